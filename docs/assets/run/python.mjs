// The page's side of Python: a queue of runs, and the Web Worker that
// runs them (run-worker.mjs, which says what the messages are).
//
// run.js imports this module at the first Run, so nothing of Python loads
// before. One worker serves the whole visit: this module, like run.js, lives
// on through Material's instant navigation, and so does the worker. Runs go
// one at a time, in the order they were asked for; each is a Ticket its
// block can stop. Stop on a run that waits takes it out of the queue; on a
// run in progress (or Python starting for it) it ends the worker, and the
// next run starts a new one. So does a run that ends Python itself.
//
// The worker starts from a blob: URL that imports run-worker.mjs: a worker
// from a blob: URL is bound by the Content-Security-Policy of the page that
// made it (a worker from the site's own address would follow its response's
// headers, and a static host sends none), so the reader's code in it can
// fetch, import or open a socket on this site only.
//
// The first worker to start Python from nothing sends back a snapshot of
// it (run-worker.mjs); later workers of the visit start from that, in a
// fraction of the time, and after that worker's first answer this module
// keeps it in the site's Cache Storage, for later visits. Only a snapshot
// sent before "ready" is taken: after it, the reader's code runs in the
// worker and could send anything.
//
// Each worker remembers whether it ran the reader's own code. The Python
// side puts the interpreter back after every run (runner.py's Baseline), but
// the reader's code can leave more behind than it can see: a task or a
// JavaScript callback still going, a listener that answers in the worker's
// place. So the page's own examples run only in a Python no reader's code
// has touched: the first one after the reader's code gets a new worker,
// started from the snapshot. And the worker that took the snapshot runs only
// the page's own code: while taking it, pyodide wraps JavaScript's globals
// in a recording proxy that stays, and some of them then fail when the
// reader's code uses them (js.performance.now(): "Illegal invocation").

const WORKER = new URL("run-worker.mjs", import.meta.url);
const SNAPSHOTS = "chapter2-run-snapshots"; // as run-worker.mjs reads them
const LOAD_TIMEOUT = 90; // seconds; a busy 2-core machine needs about 16

// Why a run ended without an answer: the reader stopped it (`when` is
// "waiting", "loading", "starting", "restarting" or "running"), or the
// code ended Python.
export class Stopped extends Error {
  constructor(when) {
    super(`Stopped while ${when}`);
    this.when = when;
  }
}
export class PythonEnded extends Error {}

let worker = null; // the current Worker, wrapped by startWorker
let saved = null; // { key, snapshot } from a worker, for the next one
let unstored = null; // the same, until it is in Cache Storage
let startedOnce = false; // a Python has started on this page before
let nextId = 1;
const queue = [];
let active = null;

function startWorker() {
  const script = `import ${JSON.stringify(WORKER.href)};`;
  const url = URL.createObjectURL(
    new Blob([script], { type: "text/javascript" }),
  );
  const thread = new Worker(url, { type: "module" });
  const pending = new Map();
  let settle;
  const ready = new Promise(
    (resolve, reject) => (settle = { resolve, reject }),
  );
  ready.catch(() => {}); // each run handles it; none is left unhandled
  const timer = setTimeout(
    () => end(new Error(`Python did not start within ${LOAD_TIMEOUT} s`)),
    LOAD_TIMEOUT * 1000,
  );
  const self = {
    thread,
    ready,
    pending,
    end,
    started: false,
    restored: false,
    dirty: false, // it ran the reader's code
    madeSnapshot: false,
  };

  function end(error) {
    clearTimeout(timer);
    thread.terminate();
    URL.revokeObjectURL(url);
    if (worker === self) worker = null;
    settle.reject(error);
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  }

  thread.onmessage = ({ data }) => {
    const request = pending.get(data.id);
    if (data.type === "ready") {
      clearTimeout(timer);
      self.started = true;
      startedOnce = true;
      self.restored = data.restored;
      settle.resolve(data);
    } else if (data.type === "saved" && !self.started) {
      saved = { key: data.key, snapshot: data.snapshot };
      unstored = saved;
      self.madeSnapshot = true;
    } else if (data.type === "fatal") {
      end(new Error(data.message));
    } else if (data.type === "ended") {
      end(new PythonEnded(data.message));
    } else if (data.type === "example") {
      request?.onExample?.(data.record);
    } else if (data.type === "result" || data.type === "error") {
      pending.delete(data.id);
      if (data.type === "result") request?.resolve(data.records);
      else request?.reject(new Error(data.message));
      // After an answer, so the reader waits for none of it; any worker's,
      // should the one that took it have been stopped before answering.
      if (unstored) store(unstored).catch(() => {});
      unstored = null;
    }
  };
  thread.onerror = (event) => {
    event.preventDefault();
    end(new Error(event.message || "the Python worker could not start"));
  };
  thread.postMessage({ type: "load", saved });
  return self;
}

// Keeps a snapshot in the site's Cache Storage, replacing any made from
// other files (key: an address named by a digest of them). Cache Storage
// exists only in a secure context (https, or this machine).
async function store({ key, snapshot }) {
  if (!key || !globalThis.caches) return;
  const cache = await caches.open(SNAPSHOTS);
  for (const request of await cache.keys()) {
    if (request.url !== key) await cache.delete(request);
  }
  await cache.put(key, new Response(snapshot));
}

function send(python, ticket, onExample) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    python.pending.set(id, { resolve, reject, onExample });
    python.thread.postMessage({ type: "run", id, ...ticket.block });
  });
}

// Starts Python for a ticket if need be; the seconds it took, or null.
// state: what the block says meanwhile ("loading" the first time, then
// "starting", or "restarting" when it replaces a Python the reader's code
// ran in).
async function started(ticket, state = "loading") {
  if (worker === null) worker = startWorker();
  ticket.python = worker;
  if (worker.started) return null;
  ticket.setState(state === "loading" && startedOnce ? "starting" : state);
  const began = performance.now();
  await worker.ready;
  ticket.restored = worker.restored;
  return (performance.now() - began) / 1000;
}

// Whether a started Python may run the ticket (see the top of this file).
// Without a snapshot (not a secure context), a new Python starts from
// nothing, several seconds: there the page's example runs where the
// reader's code ran, and again in a new Python only should it differ.
const fitFor = (python, ticket) =>
  ticket.own ? !python.dirty || saved === null : !python.madeSnapshot;

// A new Python for the ticket, in place of the one it may not use.
async function replaced(ticket, python) {
  python.end(new Error("replaced by a fresh Python"));
  const restarting = ticket.own && python.dirty;
  return started(ticket, restarting ? "restarting" : "loading");
}

// A run whose block has left the page (instant navigation swapped the
// article) is stopped, waiting or going: no block could stop it any more,
// and it would hold up every run of the next page. On each page Material
// brings (document$), and as a waiting run's turn comes.
const gone = (ticket) => ticket?.root && !ticket.root.isConnected;
function stopRunsOfBlocksGone() {
  for (const ticket of [...queue, active]) if (gone(ticket)) ticket.stop();
}
globalThis.document$?.subscribe(stopRunsOfBlocksGone);

async function runOne(ticket) {
  if (gone(ticket)) throw new Stopped("waiting");
  // What the block runs with is settled now, not when Run was pressed: a
  // Reset meanwhile (of a listing whose edit it would have used) counts.
  ticket.prepare?.(ticket);
  let startSeconds = await started(ticket);
  if (!fitFor(ticket.python, ticket)) {
    startSeconds =
      (startSeconds ?? 0) + (await replaced(ticket, ticket.python));
  }
  ticket.setState("running");
  let python = ticket.python;
  if (!ticket.own) python.dirty = true;
  const began = performance.now();
  let records = await send(python, ticket, ticket.onExample);
  if (ticket.own && python.dirty && records.some((record) => !record.ok)) {
    startSeconds = (startSeconds ?? 0) + (await replaced(ticket, python));
    ticket.setState("running");
    python = ticket.python;
    records = await send(python, ticket, ticket.onExample);
  }
  return {
    records,
    startSeconds,
    restored: ticket.restored,
    runSeconds: (performance.now() - began) / 1000,
  };
}

function pump() {
  if (active !== null || queue.length === 0) return;
  const ticket = queue.shift();
  active = ticket;
  runOne(ticket)
    .then(ticket.resolve, ticket.reject)
    .finally(() => {
      active = null;
      pump();
    });
}

// Runs one block, { kind, source, edits, file } (see run-worker.mjs).
// root: the page element the run belongs to; it is stopped once that has
// left the page. own: the page's own code, unchanged, with no edit of a
// listing in force.
// prepare(ticket), if given, is called as the run begins (after any wait),
// and may set ticket.block.edits and ticket.own for that moment.
// onExample(record) as each example of a >>> block finishes; onState(state)
// as the run waits ("waiting"), starts Python ("loading" the first time,
// "starting" later, "restarting" in place of one the reader's code ran
// in), and runs ("running"). Returns a Ticket: { done, stop },
// done resolving to { records, startSeconds, restored, runSeconds }:
// restored, whether Python started from a snapshot.
export function run(
  block,
  { root = null, own = false, onExample, onState = () => {}, prepare } = {},
) {
  let state = "waiting";
  const ticket = {
    block,
    root,
    own,
    onExample,
    prepare,
    python: null,
    restored: false,
  };
  ticket.setState = (next) => {
    state = next;
    onState(next);
  };
  ticket.done = new Promise((resolve, reject) => {
    ticket.resolve = resolve;
    ticket.reject = reject;
  });
  ticket.stop = () => {
    const stopped = new Stopped(state);
    if (queue.includes(ticket)) {
      queue.splice(queue.indexOf(ticket), 1);
      ticket.reject(stopped);
    } else if (active === ticket) {
      ticket.python?.end(stopped);
    }
  };
  queue.push(ticket);
  if (active !== null) ticket.setState("waiting");
  pump();
  return ticket;
}
