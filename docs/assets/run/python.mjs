// The Web Worker that runs Python for the Run buttons, seen from the page.
//
// run.js imports this module at the first Run, so nothing of Python loads
// before. One worker serves the whole visit: this module, like run.js, lives
// on through Material's instant navigation, and so does the worker. Stop
// terminates it; the next Run starts another. Requests carry ids, so each
// answer reaches the block that asked (see run-worker.mjs for the messages).

const WORKER = new URL("run-worker.mjs", import.meta.url);
const LOAD_TIMEOUT = 90; // seconds; a busy 2-core machine needs about 16

let python = null;
let nextId = 1;

export class Stopped extends Error {}

function startPython() {
  const worker = new Worker(WORKER, { type: "module" });
  const pending = new Map();
  let settle;
  const ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
  const timer = setTimeout(
    () => end(new Error(`Python did not start within ${LOAD_TIMEOUT} s`)),
    LOAD_TIMEOUT * 1000,
  );
  const self = { worker, ready, pending, end };

  function end(error) {
    clearTimeout(timer);
    worker.terminate();
    if (python === self) python = null;
    settle.reject(error);
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  }

  worker.onmessage = ({ data }) => {
    const request = pending.get(data.id);
    if (data.type === "ready") {
      clearTimeout(timer);
      settle.resolve(data);
    } else if (data.type === "fatal") {
      end(new Error(data.message));
    } else if (data.type === "example") {
      request?.onExample(data.record);
    } else if (data.type === "result" || data.type === "error") {
      pending.delete(data.id);
      if (data.type === "result") request?.resolve(data.records);
      else request?.reject(new Error(data.message));
    }
  };
  worker.onerror = (event) => {
    event.preventDefault();
    end(new Error(event.message || "the Python worker could not start"));
  };
  worker.postMessage({ type: "load" });
  ready.catch(() => {}); // each caller handles it; none is left unhandled
  return self;
}

// Starts Python if it is not running; resolves when it is ready to run.
export function ready() {
  python ??= startPython();
  return python.ready;
}

// Runs one block, { kind, source, edits, file } (see run-worker.mjs);
// onExample(record) as each example of a >>> block finishes.
export function run(block, onExample) {
  const id = nextId++;
  if (python === null) return Promise.reject(new Stopped("Stopped"));
  return new Promise((resolve, reject) => {
    python.pending.set(id, { resolve, reject, onExample });
    python.worker.postMessage({ type: "run", id, ...block });
  });
}

export function stop() {
  python?.end(new Stopped("Stopped"));
}
