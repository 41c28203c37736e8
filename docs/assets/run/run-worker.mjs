// The Web Worker that runs Python for the Run buttons (see run.js).
//
// Messages in:  {type: "load"}           start Python (once)
//               {type: "run", id, kind, source, edits, file}
//                  kind "session": run a >>> block; "script": run a script;
//                  "listing": put the reader's edit of a package listing in
//                  place (source, the listing's code, is in edits too);
//                  "replay": the steps of a block that ran as kind `ran`
// Messages out: {type: "ready", version, seconds}
//               {type: "fatal", message}    Python cannot start here
//               {type: "example", id, record}  one example finished
//               {type: "result", id, records}  the block finished (a listing:
//                                              one record, {ok, modules, got})
//               {type: "error", id, message}   the block could not run
//               {type: "ended", id, message}   the block ended Python itself
//                                              (os._exit, a stack overflow):
//                                              this worker is of no more use
//
// The page sends one run at a time (python.mjs keeps the queue). Stop is the
// page terminating this worker; the next Run starts a new one. The page
// starts this module from a blob: URL, so the worker is bound by the page's
// Content-Security-Policy: code run here cannot reach another site.

import { startInterpreter } from "./run-core.mjs";

const here = new URL(".", import.meta.url);
const runtime = new URL("python/", here);

// A .wasm file served with another type makes the loader hang without an
// error, so the type is checked first, from the headers alone.
async function checkWasm() {
  const wasm = new URL("pyodide.asm.wasm", runtime);
  const head = await fetch(wasm, { method: "HEAD" });
  if (!head.ok) {
    throw new Error(
      `${wasm.pathname} is not on this site (HTTP ${head.status})`,
    );
  }
  const type = head.headers.get("content-type") || "no type";
  if (!type.startsWith("application/wasm")) {
    throw new Error(
      `this server sends pyodide.asm.wasm as "${type}", and Python in the ` +
        "browser needs application/wasm (make serve sends it right)",
    );
  }
}

async function source(name) {
  const response = await fetch(new URL(name, here));
  if (!response.ok)
    throw new Error(`${name} is not on this site (HTTP ${response.status})`);
  return response.text();
}

async function load() {
  const started = performance.now();
  const files = Promise.all(
    ["runner.py", "listings.py", "replay.py"].map(source),
  );
  const [{ loadPyodide }] = await Promise.all([
    import(new URL("pyodide.mjs", runtime).href),
    checkWasm(),
  ]);
  const [runner, listings, replay] = await files;
  const python = await startInterpreter(loadPyodide, {
    indexURL: runtime.href,
    runner,
    listings,
    replay,
  });
  return { python, seconds: (performance.now() - started) / 1000 };
}

const message = (error) => String(error?.message || error);
let ready = null;
let compiled = false;

async function runOne({ id, kind, source, edits, file, ran }) {
  const { python } = await ready;
  try {
    const report = (record) => postMessage({ type: "example", id, record });
    const block = { kind, source, edits, file, ran };
    const records = await python.run(block, report);
    postMessage({ type: "result", id, records });
    if (!compiled) {
      // After the answer: the reader waits for none of it (runner.py).
      compiled = true;
      python.compile();
    }
  } catch (error) {
    const type = python.alive() ? "error" : "ended";
    postMessage({ type, id, message: message(error) });
  }
}

self.onmessage = ({ data }) => {
  if (data.type === "load" && ready === null) {
    ready = load();
    ready.then(
      ({ python, seconds }) =>
        postMessage({ type: "ready", version: python.version, seconds }),
      (error) => postMessage({ type: "fatal", message: message(error) }),
    );
  } else if (data.type === "run") {
    runOne(data);
  }
};
