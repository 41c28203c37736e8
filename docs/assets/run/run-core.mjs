// Start an interpreter (pyodide) with the chapter2 wheel, and run blocks in it.
//
// Shared by the page's Web Worker (run-worker.mjs) and by the Node check in
// make test (tests/support/run_in_node.mjs), so the tests run the very code the Run
// button runs. Everything comes from the site's own files in python/ (see
// sitetools/runtime.py): the loader, the WebAssembly module, the standard
// library, a lock file that names only chapter2, and its wheel. packageBaseUrl points
// there too, so the loader has nowhere else to look: with it unset, pyodide
// falls back to a CDN.

// The Python modules of the Run button, as the worker imports them:
// runner.py runs a block, listings.py puts the reader's edits of the
// package's listings in place (it imports the runner by this name), and
// replay.py makes a run's steps for the cart-total stepper.
export const MODULES = {
  runner: "page_runner",
  listings: "page_listings",
  replay: "page_replay",
};

// files: { indexURL, runner, listings, replay }: indexURL a URL in a browser
// and a path in Node, ending in "/", and the text of those three modules;
// loadPyodide: the loader's export. The lock file at indexURL names one
// package, chapter2, with its wheel and its SHA-256.
export async function startInterpreter(loadPyodide, files) {
  const { indexURL } = files;
  const python = await loadPyodide({
    indexURL,
    lockFileURL: `${indexURL}pyodide-lock.json`,
    packageBaseUrl: indexURL,
    // Output outside a run (there should be none) must not reach a console.
    stdout: () => {},
    stderr: () => {},
  });
  const failures = [];
  await python.loadPackage("chapter2", {
    messageCallback: () => {},
    errorCallback: (message) => failures.push(message),
  });
  if (failures.length) {
    throw new Error(`the chapter2 wheel did not load: ${failures.join("; ")}`);
  }
  for (const [file, name] of Object.entries(MODULES)) {
    python.FS.writeFile(`${name}.py`, files[file]);
  }
  const runner = python.pyimport(MODULES.runner);
  const listings = python.pyimport(MODULES.listings);
  const replay = python.pyimport(MODULES.replay);
  runner.prepare();
  const version = python.runPython("import sys; sys.version.split()[0]");
  // edits: the reader's edits of package listings in force on the page,
  // each { file, sections, code }; every run puts exactly those in place.
  const use = (edits) => listings.use_edits(JSON.stringify(edits));
  const kinds = {
    // A >>> block: one record per example, onExample(record) as each ends.
    session: ({ source, edits }, onExample) => {
      use(edits);
      return session(runner, source, onExample);
    },
    // Any other code, as a file runs: one record.
    script: async ({ source, edits }) => {
      use(edits);
      return plain(await runner.run_script.callPromising(source));
    },
    // A listing: its edit (in edits) put in place; one record, { ok,
    // modules, got }, the modules imported again with it, or the error.
    listing: async ({ edits, file }) => [
      plain(listings.apply_listing(JSON.stringify(edits), file)),
    ],
    // Step through this run: the block that ran (ran: its kind) run again,
    // unseen, with its edits; one record, { ok, steps } with the
    // cart-total stepper's JSON, or { ok: false, got } saying why not.
    replay: async ({ source, edits, ran }) => {
      use(edits);
      return [plain(await replay.replay_run.callPromising(ran, source))];
    },
  };
  return {
    python,
    version,
    // block: { kind, source, edits, file }, as run-worker.mjs describes it.
    run: (block, onExample) => kinds[block.kind](block, onExample),
    // Compiles the package to bytecode: once, after the first run.
    compile: () => runner.compile_package(),
    // Whether Python still answers: code can end it (os._exit, a stack
    // overflow), after which every call fails.
    alive() {
      try {
        python.runPython("None");
        return true;
      } catch {
        return false;
      }
    },
  };
}

function plain(proxy) {
  const value = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
  return value;
}

// Runs one >>> block; onExample(record) is called as each example finishes.
// A record is { line, source, want, got, ok } (see runner.py). callPromising lets
// an example call asyncio.run(), which needs WebAssembly stack switching.
async function session(runner, source, onExample) {
  const report = onExample ? (record) => onExample(plain(record)) : undefined;
  const records = await runner.run_session.callPromising(source, report);
  return plain(records);
}
