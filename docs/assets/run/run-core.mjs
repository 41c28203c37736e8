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

// files: { indexURL, lock, wheel, runner, listings, replay }: indexURL a
// URL in a browser and a path in Node, ending in "/"; lock, the text of
// pyodide-lock.json there, which names one package, chapter2, with its
// wheel and the wheel's SHA-256; wheel, that wheel's bytes; and the text of
// the three modules. loadPyodide: the loader's export.
//
// A memory snapshot (pyodide's makeMemorySnapshot) is the interpreter's
// whole memory, taken when it is ready and before it has run anything:
// restored, it starts in a fraction of the time. With makeSnapshot, this
// start takes one (result.snapshot); given snapshot, it starts from it.
// Files are not part of it, so the wheel is unpacked either way. The
// snapshot must come from the same files (the worker keys it by them) and
// the same pyodide, which checks that itself.
export async function startInterpreter(
  loadPyodide,
  files,
  { snapshot = null, makeSnapshot = false } = {},
) {
  const { indexURL } = files;
  keepTimersToTheirRun();
  await checkWheel(files);
  const python = await loadPyodide({
    indexURL,
    lockFileURL: `${indexURL}pyodide-lock.json`,
    packageBaseUrl: indexURL,
    // Output outside a run (there should be none) must not reach a console.
    stdout: () => {},
    stderr: () => {},
    ...(snapshot
      ? { _loadSnapshot: snapshot }
      : { _makeSnapshot: makeSnapshot }),
  });
  // Reading standard input at the level of files (os.read(0, n)) finds it
  // ended, as with no terminal; pyodide's default asks prompt(), which a
  // worker lacks (a console error each time). sys.stdin is runner.py's.
  python.setStdin({ stdin: () => null });
  // Not loadPackage: it records the package in an object a snapshot must
  // find as loadPyodide left it. The same files land in the same place.
  python.FS.writeFile("/tmp/chapter2.whl", files.wheel);
  for (const [file, name] of Object.entries(MODULES)) {
    python.FS.writeFile(`${name}.py`, files[file]);
  }
  python.runPython(UNPACK);
  let made = null;
  if (snapshot !== null) {
    // Every restored Python would otherwise draw the same random numbers.
    python.runPython(RESEED);
  } else {
    // By name, in Python: a snapshot holds no reference to a JavaScript
    // object, and calling through a proxy would make one.
    const names = Object.values(MODULES).join(", ");
    python.runPython(`import ${names}\n${MODULES.runner}.prepare()`);
    if (makeSnapshot) {
      try {
        made = python.makeMemorySnapshot();
      } catch (error) {
        // A browser where pyodide cannot take one: Python runs all the
        // same, and each later start begins from nothing. Said in the
        // console, for whoever wonders why starts stay slow.
        console.warn(
          "Python could not save a copy of itself to start from:",
          error,
        );
      }
    }
  }
  const runner = python.pyimport(MODULES.runner);
  const listings = python.pyimport(MODULES.listings);
  const replay = python.pyimport(MODULES.replay);
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
    // unseen, with its edits; seen, JSON of what its examples printed the
    // first time, or undefined (None in Python; null would not be). One
    // record, { ok, steps } with the cart-total stepper's JSON, or
    // { ok: false, got } saying why not.
    replay: async ({ source, edits, ran, seen }) => {
      use(edits);
      return [plain(await replay.replay_run.callPromising(ran, source, seen))];
    },
  };
  return {
    python,
    version,
    snapshot: made,
    // block: { kind, source, edits, file }, as run-worker.mjs describes it.
    async run(block, onExample) {
      runsBegan = true;
      clearTimersOfRuns();
      try {
        return await kinds[block.kind](block, onExample);
      } finally {
        clearTimersOfRuns();
      }
    },
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

// The timers set since the first run began, by the reader's code
// (js.setInterval) or by asyncio in it, even after its run ended: each is
// cleared when a run starts and when it ends, or it would print into the
// output of later runs, or hang them. setTimeout and setInterval are
// wrapped once, before pyodide loads, so that every timer goes through.
const timersOfRuns = new Set();
let runsBegan = false;
let timersKept = false;

function keepTimersToTheirRun() {
  if (timersKept) return;
  timersKept = true;
  for (const name of ["setTimeout", "setInterval"]) {
    const set = globalThis[name];
    globalThis[name] = function (...args) {
      const timer = set.apply(this, args);
      if (runsBegan) timersOfRuns.add(timer);
      return timer;
    };
  }
}

function clearTimersOfRuns() {
  for (const timer of timersOfRuns) {
    clearTimeout(timer);
    clearInterval(timer);
  }
  timersOfRuns.clear();
}

const RESEED = `
import sys
if "random" in sys.modules:
    sys.modules["random"].seed()
`;

// The wheel, unpacked where loadPackage would put it; the import system is
// told, since after a snapshot's restore it may remember an empty folder.
const UNPACK = `
import importlib, sysconfig, zipfile
with zipfile.ZipFile("/tmp/chapter2.whl") as wheel:
    wheel.extractall(sysconfig.get_path("purelib"))
importlib.invalidate_caches()
`;

// The wheel's SHA-256, as the lock file gives it (hexadecimal).
function wheelDigest(lock) {
  return JSON.parse(lock).packages.chapter2.sha256;
}

// The same digest as a fetch()'s integrity option wants it: the browser
// then refuses any other bytes, in any context (crypto.subtle, which would
// check them here, exists on https and on this machine only).
export function wheelIntegrity(lock) {
  const bytes = wheelDigest(lock)
    .match(/../g)
    .map((pair) => String.fromCharCode(Number.parseInt(pair, 16)));
  return `sha256-${btoa(bytes.join(""))}`;
}

// The wheel must be the one the lock file names, as loadPackage checks.
// Where crypto.subtle is missing, the worker fetched it with its integrity.
async function checkWheel({ lock, wheel }) {
  if (!globalThis.crypto?.subtle) return;
  const actual = await sha256(wheel);
  if (actual !== wheelDigest(lock)) {
    throw new Error(
      `the chapter2 wheel is not the one pyodide-lock.json names (SHA-256 ${actual})`,
    );
  }
}

// The SHA-256 of some bytes, in hexadecimal (needs crypto.subtle).
export async function sha256(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

// The wheel's file name, as the lock file gives it.
export function wheelName(lock) {
  return JSON.parse(lock).packages.chapter2.file_name;
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
