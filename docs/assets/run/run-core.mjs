// Start Python (pyodide) with the chapter2 wheel, and run >>> blocks in it.
//
// Shared by the page's Web Worker (run-worker.mjs) and by the Node check in
// make test (tests/run_in_node.mjs), so the tests run the very code the Run
// button runs. Everything comes from the site's own files in python/ (see
// sitetools/runtime.py): the loader, the WebAssembly module, the standard
// library, a lock file that names only chapter2, and its wheel. packageBaseUrl points
// there too, so the loader has nowhere else to look: with it unset, pyodide
// falls back to a CDN.

export const RUNNER_MODULE = "page_runner";

// files: { indexURL, runnerSource }, indexURL a URL in a browser and a path
// in Node, ending in "/"; loadPyodide: the loader's export. The lock file
// there names one package, chapter2, with its wheel and its SHA-256.
export async function startPython(loadPyodide, files) {
  const { indexURL, runnerSource } = files;
  const python = await loadPyodide({
    indexURL,
    lockFileURL: indexURL + "pyodide-lock.json",
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
  python.FS.writeFile(`${RUNNER_MODULE}.py`, runnerSource);
  const runner = python.pyimport(RUNNER_MODULE);
  runner.prepare();
  const version = python.runPython("import sys; sys.version.split()[0]");
  return { python, version, run: (session, onExample) => run(runner, session, onExample) };
}

function plain(proxy) {
  const value = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
  return value;
}

// Runs one >>> block; onExample(record) is called as each example finishes.
// A record is { line, source, want, got, ok } (see runner.py). callPromising lets
// an example call asyncio.run(), which needs WebAssembly stack switching.
async function run(runner, session, onExample) {
  const report = onExample ? (record) => onExample(plain(record)) : undefined;
  const records = await runner.run_session.callPromising(session, report);
  return plain(records);
}
