// The page's queue of runs (docs/assets/run/python.mjs), driven under Node
// with a stand-in for the Web Worker, so each rule is checked without a
// browser or a Python start:
//
//   node tests/support/run_queue.mjs docs/assets/run/python.mjs
//
// Prints "ok" and one line per scenario; an assertion error otherwise.

import assert from "node:assert/strict";
import { pathToFileURL } from "node:url";

const workers = [];

class StandInWorker {
  constructor(url, options) {
    this.url = String(url);
    this.options = options;
    this.sent = [];
    this.terminated = false;
    workers.push(this);
  }
  postMessage(data) {
    this.sent.push(data);
  }
  terminate() {
    this.terminated = true;
  }
  reply(data) {
    this.onmessage({ data });
  }
  lastRun() {
    return this.sent.filter((message) => message.type === "run").at(-1);
  }
}

globalThis.Worker = StandInWorker;
// Material's document$: what python.mjs subscribes, called as a page comes.
const pages = [];
globalThis.document$ = { subscribe: (next) => pages.push(next) };
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const client = await import(pathToFileURL(process.argv[2]).href);
const ok = [{ ok: true, got: "" }];
const differs = [{ ok: false, got: "x" }];

function track(ticket) {
  const seen = { states: [], value: undefined, error: undefined };
  ticket.done.then(
    (value) => (seen.value = value),
    (error) => (seen.error = error),
  );
  return seen;
}

// 1. The first run starts a worker from a blob: URL, says it is loading, and
// gets Python's start time apart from the run's.
const states = [];
const first = track(
  client.run(
    { kind: "session", source: "a" },
    { own: true, onState: (s) => states.push(s) },
  ),
);
await settle();
const [one] = workers;
assert.ok(one.url.startsWith("blob:"), `the worker starts from ${one.url}`);
assert.equal(one.options.type, "module");
assert.deepEqual(one.sent, [{ type: "load", saved: null }]);
// The worker's snapshot of its start, sent before "ready": the next worker
// gets it. One sent after "ready" may come from the reader's code, which
// runs in the worker: it is ignored.
const snapshot = new Uint8Array([1, 2, 3]);
one.reply({ type: "saved", key: "k", snapshot });
one.reply({ type: "ready", version: "3.14", seconds: 1, restored: false });
await settle();
one.reply({ type: "saved", key: "forged", snapshot: new Uint8Array([6]) });
one.reply({ type: "result", id: one.lastRun().id, records: ok });
await settle();
assert.deepEqual(states, ["loading", "running"]);
assert.equal(typeof first.value.startSeconds, "number");
assert.equal(first.value.restored, false);
console.log("a first run starts Python from a blob: URL");

// 2. A run queued behind another waits; Stop on it cancels it alone.
const busy = track(
  client.run({ kind: "session", source: "loop" }, { own: true }),
);
const waitingStates = [];
const queued = client.run(
  { kind: "session", source: "b" },
  { own: true, onState: (s) => waitingStates.push(s) },
);
const waiting = track(queued);
await settle();
assert.deepEqual(waitingStates, ["waiting"]);
queued.stop();
await settle();
assert.ok(
  waiting.error instanceof client.Stopped && waiting.error.when === "waiting",
);
assert.equal(one.terminated, false, "Stop on a queued run ended the worker");
assert.equal(
  one.sent.filter((m) => m.type === "run").length,
  2,
  "the cancelled run was sent",
);
one.reply({ type: "result", id: one.lastRun().id, records: ok });
await settle();
assert.equal(
  busy.value.startSeconds,
  null,
  "a run on a started Python counted a start",
);
console.log("a queued run waits, and Stop cancels it alone");

// 3. The reader's code never runs in the worker that took the snapshot: it
// gets a new worker, started from that snapshot (not from a forged one).
const readerStates = [];
const edited = track(
  client.run(
    { kind: "script", source: "x = 1" },
    { own: false, onState: (s) => readerStates.push(s) },
  ),
);
await settle();
assert.ok(one.terminated, "the reader's code ran where the snapshot was taken");
const two = workers[1];
assert.ok(two, "no new worker for the reader's code");
assert.deepEqual(
  two.sent[0],
  { type: "load", saved: { key: "k", snapshot } },
  "the new worker was not given the first one's snapshot (or took a forged one)",
);
two.reply({ type: "ready", version: "3.14", seconds: 0.5, restored: true });
await settle();
assert.equal(two.lastRun().source, "x = 1");
two.reply({ type: "result", id: two.lastRun().id, records: ok });
await settle();
// Only the first start says "loading" (its message promises a download).
assert.deepEqual(readerStates, ["starting", "running"]);
assert.equal(edited.value.restored, true, "a start from the snapshot");
console.log("the reader's code runs in a Python restored from the snapshot");

// 4. The page's own example after the reader's code: always a new worker,
// whatever the old one would have answered, and the block says why.
const ownStates = [];
const afresh = track(
  client.run(
    { kind: "session", source: "c" },
    { own: true, onState: (s) => ownStates.push(s) },
  ),
);
await settle();
assert.ok(two.terminated, "the page's example ran after the reader's code");
assert.equal(two.sent.filter((m) => m.type === "run").length, 1);
const three = workers[2];
three.reply({ type: "ready", version: "3.14", seconds: 0.5, restored: true });
await settle();
three.reply({ type: "result", id: three.lastRun().id, records: ok });
await settle();
assert.deepEqual(ownStates, ["restarting", "running"]);
assert.deepEqual(afresh.value.records, ok);
assert.equal(typeof afresh.value.startSeconds, "number");
console.log("an own example after the reader's code runs in a new Python");

// 5. A fresh worker that only ran the page's own code keeps its answer.
const kept = track(client.run({ kind: "session", source: "d" }, { own: true }));
await settle();
three.reply({ type: "result", id: three.lastRun().id, records: differs });
await settle();
assert.deepEqual(kept.value.records, differs);
assert.equal(workers.length, 3);
console.log("a clean worker's answer stands");

// 6. Code that ends Python: that run fails with PythonEnded, the next run
// gets a new worker. (A restored worker runs the reader's code as it is.)
const ended = track(
  client.run({ kind: "script", source: "os._exit(0)" }, { own: false }),
);
await settle();
assert.equal(workers.length, 3, "a restored worker was replaced");
three.reply({
  type: "ended",
  id: three.lastRun().id,
  message: "Program terminated with exit(0)",
});
await settle();
assert.ok(ended.error instanceof client.PythonEnded, String(ended.error));
assert.ok(three.terminated);
const after = track(
  client.run({ kind: "session", source: "e" }, { own: true }),
);
await settle();
const four = workers[3];
assert.ok(four, "no new worker after Python ended");
four.reply({ type: "ready", version: "3.14", seconds: 1, restored: true });
await settle();
four.reply({ type: "result", id: four.lastRun().id, records: ok });
await settle();
assert.deepEqual(after.value.records, ok);
console.log("code that ends Python ends its run only");

// 7. Stop on a run in progress, and Stop while Python starts: the worker
// ends, the run says when it stopped, the queue goes on.
const running = client.run({ kind: "session", source: "f" }, { own: true });
const stoppedRunning = track(running);
const loading = client.run({ kind: "session", source: "g" }, { own: true });
const stoppedLoading = track(loading);
await settle();
running.stop();
await settle();
assert.ok(
  stoppedRunning.error instanceof client.Stopped,
  String(stoppedRunning.error),
);
assert.equal(stoppedRunning.error.when, "running");
assert.ok(four.terminated);
const five = workers[4];
assert.ok(five, "the next queued run did not start a worker");
loading.stop();
await settle();
assert.equal(stoppedLoading.error.when, "starting");
assert.ok(five.terminated);
console.log(
  "Stop on a run in progress or on Python starting ends its worker only",
);

// 8. With no snapshot (not a secure context), a new Python would start from
// nothing: the page's example runs where the reader's code ran, and again
// in a new worker only should it differ. A module of its own, as on a page
// where no worker ever sent a snapshot.
const bare = await import(`${pathToFileURL(process.argv[2]).href}?no-snapshot`);
const count = workers.length;
const first8 = track(
  bare.run({ kind: "script", source: "y = 1" }, { own: false }),
);
await settle();
const six = workers[count];
six.reply({ type: "ready", version: "3.14", seconds: 3, restored: false });
await settle();
six.reply({ type: "result", id: six.lastRun().id, records: ok });
await settle();
assert.deepEqual(first8.value.records, ok);
const again = track(bare.run({ kind: "session", source: "i" }, { own: true }));
await settle();
assert.equal(six.terminated, false, "a start from nothing for a clean answer");
six.reply({ type: "result", id: six.lastRun().id, records: differs });
await settle();
assert.ok(six.terminated, "a differing example kept the reader's Python");
const seven = workers[count + 1];
seven.reply({ type: "ready", version: "3.14", seconds: 3, restored: false });
await settle();
seven.reply({ type: "result", id: seven.lastRun().id, records: ok });
await settle();
assert.deepEqual(again.value.records, ok);
console.log("without a snapshot, only a differing example starts Python anew");

// 9. A run whose block has left the page (its root no longer connected)
// is stopped: as its turn comes, and, going, when the next page arrives
// (Material's document$, stood in for by the module's own subscription).
const leaving = { isConnected: true };
const busyLoop = track(
  bare.run({ kind: "session", source: "loop" }, { root: leaving }),
);
const behind = track(
  bare.run({ kind: "session", source: "j" }, { root: { isConnected: false } }),
);
await settle();
const sent = seven.sent.filter((m) => m.type === "run").length;
leaving.isConnected = false;
for (const next of pages) next();
await settle();
assert.ok(busyLoop.error instanceof bare.Stopped, String(busyLoop.error));
assert.ok(seven.terminated, "the run of a block gone went on");
assert.ok(
  behind.error instanceof bare.Stopped && behind.error.when === "waiting",
);
assert.equal(seven.sent.filter((m) => m.type === "run").length, sent);
// Asked for after that page came (a Check whose files arrived late): no
// sweep will come for it, its turn stops it.
const late = track(
  bare.run({ kind: "session", source: "k" }, { root: { isConnected: false } }),
);
await settle();
assert.ok(
  late.error instanceof bare.Stopped && late.error.when === "waiting",
  String(late.error),
);
assert.equal(
  workers.length,
  count + 2,
  "the run of a block gone started Python",
);
console.log("a run whose block has left the page is stopped");

// 10. What a run takes (the edits in force, whether it is the page's own
// code) is settled as its turn comes, not when Run was pressed: a Reset
// while it waited counts.
let inForce = ["the reader's edit"];
const ahead = track(bare.run({ kind: "script", source: "z = 1" }));
const settled = track(
  bare.run(
    { kind: "session", source: "m", edits: ["as pressed"] },
    {
      prepare: (ticket) => {
        ticket.block.edits = [...inForce];
        ticket.own = inForce.length === 0;
      },
    },
  ),
);
await settle();
const eight = workers[count + 2];
eight.reply({ type: "ready", version: "3.14", seconds: 3, restored: false });
await settle();
inForce = []; // Reset, while the run ahead goes on
eight.reply({ type: "result", id: eight.lastRun().id, records: ok });
await settle();
assert.equal(eight.lastRun().source, "m");
assert.deepEqual(eight.lastRun().edits, []);
eight.reply({ type: "result", id: eight.lastRun().id, records: ok });
await settle();
assert.deepEqual(ahead.value.records, ok);
assert.deepEqual(settled.value.records, ok);
console.log("a run takes the edits in force as its turn comes");
console.log("ok");
