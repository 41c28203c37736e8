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
  client.run({ kind: "session", source: "loop" }, { own: false }),
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

// 3. The reader's code ran on this worker (busy was not the page's own): an
// unchanged example that differs runs again in a new worker, which starts
// from the snapshot the first one sent.
const retried = track(
  client.run({ kind: "session", source: "c" }, { own: true }),
);
await settle();
one.reply({ type: "result", id: one.lastRun().id, records: differs });
await settle();
assert.ok(one.terminated, "the worker the reader's code changed was kept");
const two = workers[1];
assert.ok(two, "no new worker for the page's own example");
assert.deepEqual(
  two.sent[0],
  { type: "load", saved: { key: "k", snapshot } },
  "the new worker was not given the first one's snapshot (or took a forged one)",
);
two.reply({ type: "ready", version: "3.14", seconds: 0.5, restored: true });
await settle();
assert.equal(two.lastRun().source, "c");
two.reply({ type: "result", id: two.lastRun().id, records: ok });
await settle();
assert.deepEqual(retried.value.records, ok);
assert.equal(retried.value.restored, true, "a start from the snapshot");
assert.equal(
  typeof retried.value.startSeconds,
  "number",
  "the restart's start time was left out",
);
console.log(
  "an own example that differs after the reader's code runs again afresh",
);

// 4. A fresh worker that only ran the page's own code keeps its answer.
const kept = track(client.run({ kind: "session", source: "d" }, { own: true }));
await settle();
two.reply({ type: "result", id: two.lastRun().id, records: differs });
await settle();
assert.deepEqual(kept.value.records, differs);
assert.equal(workers.length, 2);
console.log("a clean worker's answer stands");

// 5. Code that ends Python: that run fails with PythonEnded, the next run
// gets a new worker.
const ended = track(
  client.run({ kind: "script", source: "os._exit(0)" }, { own: false }),
);
await settle();
two.reply({
  type: "ended",
  id: two.lastRun().id,
  message: "Program terminated with exit(0)",
});
await settle();
assert.ok(ended.error instanceof client.PythonEnded, String(ended.error));
assert.ok(two.terminated);
const after = track(
  client.run({ kind: "session", source: "e" }, { own: true }),
);
await settle();
const three = workers[2];
assert.ok(three, "no new worker after Python ended");
three.reply({ type: "ready", version: "3.14", seconds: 1 });
await settle();
three.reply({ type: "result", id: three.lastRun().id, records: ok });
await settle();
assert.deepEqual(after.value.records, ok);
console.log("code that ends Python ends its run only");

// 6. Stop on a run in progress, and Stop while Python starts: the worker
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
assert.ok(three.terminated);
const four = workers[3];
assert.ok(four, "the next queued run did not start a worker");
loading.stop();
await settle();
assert.equal(stoppedLoading.error.when, "loading");
assert.ok(four.terminated);
console.log(
  "Stop on a run in progress or on Python starting ends its worker only",
);
// 7. On a worker the reader's code ran on, a page example whose output is
// the page's keeps that answer: no new Python for it.
const readers = track(
  client.run({ kind: "script", source: "x = 1" }, { own: false }),
);
await settle();
const five = workers[4];
five.reply({ type: "ready", version: "3.14", seconds: 0.5, restored: true });
await settle();
five.reply({ type: "result", id: five.lastRun().id, records: ok });
await settle();
const passing = track(
  client.run({ kind: "session", source: "h" }, { own: true }),
);
await settle();
five.reply({ type: "result", id: five.lastRun().id, records: ok });
await settle();
assert.deepEqual(readers.value.records, ok);
assert.deepEqual(passing.value.records, ok);
assert.equal(workers.length, 5, "a passing example got a new Python");
assert.equal(five.terminated, false);
console.log("an example that passes after the reader's code keeps its answer");
console.log("ok");
