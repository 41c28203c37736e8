// The Web Worker that runs Python for the Run buttons (see run.js).
//
// Messages in:  {type: "load"}              start Python (once)
//               {type: "run", id, session}  run one >>> block
// Messages out: {type: "ready", version, seconds}
//               {type: "fatal", message}    Python cannot start here
//               {type: "example", id, record}  one example finished
//               {type: "result", id, records}  the block finished
//               {type: "error", id, message}   the block could not run
//
// Runs happen one at a time, in the order they were asked for. Stop is the
// page terminating this worker; the next Run starts a new one.

import { startPython } from "./run-core.mjs";

const here = new URL(".", import.meta.url);
const runtime = new URL("python/", here);

// A .wasm file served with another type makes the loader hang without an
// error, so the type is checked first, from the headers alone.
async function checkWasm() {
  const wasm = new URL("pyodide.asm.wasm", runtime);
  const head = await fetch(wasm, { method: "HEAD" });
  if (!head.ok) {
    throw new Error(`${wasm.pathname} is not on this site (HTTP ${head.status})`);
  }
  const type = head.headers.get("content-type") || "no type";
  if (!type.startsWith("application/wasm")) {
    throw new Error(
      `this server sends pyodide.asm.wasm as "${type}", and Python in the ` +
        "browser needs application/wasm (make serve sends it right)",
    );
  }
}

async function load() {
  const started = performance.now();
  await checkWasm();
  const { loadPyodide } = await import(new URL("pyodide.mjs", runtime).href);
  const runner = await fetch(new URL("runner.py", here));
  if (!runner.ok) throw new Error(`runner.py is not on this site (HTTP ${runner.status})`);
  const python = await startPython(loadPyodide, {
    indexURL: runtime.href,
    runnerSource: await runner.text(),
  });
  return { ...python, seconds: (performance.now() - started) / 1000 };
}

let ready = null;
let queue = Promise.resolve();

async function runOne({ id, session }) {
  try {
    const python = await ready;
    const records = await python.run(session, (record) =>
      postMessage({ type: "example", id, record }),
    );
    postMessage({ type: "result", id, records });
  } catch (error) {
    postMessage({ type: "error", id, message: String(error?.message || error) });
  }
}

self.onmessage = ({ data }) => {
  if (data.type === "load" && ready === null) {
    ready = load();
    ready.then(
      ({ version, seconds }) => postMessage({ type: "ready", version, seconds }),
      (error) => postMessage({ type: "fatal", message: String(error?.message || error) }),
    );
  } else if (data.type === "run") {
    queue = queue.then(() => runOne(data));
  }
};
