// The Web Worker that runs Python for the Run buttons (see run.js).
//
// Messages in:  {type: "load", saved}    start Python (once); saved, the
//                  {key, snapshot} this visit kept, or null
//               {type: "run", id, kind, source, edits, file}
//                  kind "session": run a >>> block; "script": run a script;
//                  "listing": put the reader's edit of a package listing in
//                  place (source, the listing's code, is in edits too);
//                  "replay": the steps of a block that ran as kind `ran`,
//                  seen: JSON of what its examples printed then, or absent
// Messages out: {type: "saved", key, snapshot}  a snapshot of this start
//                  from nothing, sent before "ready": the page keeps it for
//                  its next worker and for later visits
//               {type: "ready", version, seconds, restored}
//                  restored: started from a saved snapshot
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
//
// A start from nothing takes a memory snapshot of the ready interpreter
// (run-core.mjs), before any code has run in it, and sends it to the page
// with its key, a digest of the files it was made from. The page keeps it
// for its next worker and, after the first run's answer, in the site's Cache
// Storage: a later worker, in this visit or after a full page load, starts
// from it in a fraction of the time. A snapshot that does not restore is
// deleted, and Python starts from nothing.
//
// The reader's code runs here with all of this realm in reach (pyodide's
// `js` module). So everything this worker must do unseen happens before the
// first run: reading the store, taking the snapshot, sending it. Then
// seal() takes away what would let code write the store for later visits
// (Cache Storage, and a nested worker that would have its own), and the
// page stores what it was sent before "ready", from its own realm.

import {
  sha256,
  startInterpreter,
  wheelIntegrity,
  wheelName,
} from "./run-core.mjs";

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

async function fetched(url, as, options = {}) {
  const response = await fetch(url, options);
  if (!response.ok)
    throw new Error(
      `${new URL(url).pathname} is not on this site (HTTP ${response.status})`,
    );
  return as === "bytes"
    ? new Uint8Array(await response.arrayBuffer())
    : response.text();
}

// Taken now, before any code runs here: the reader's code may replace the
// global's own.
const post = self.postMessage.bind(self);

const SNAPSHOTS = "chapter2-run-snapshots";
// Cache Storage and crypto.subtle exist only in a secure context (https,
// or this machine). Elsewhere Python starts from nothing each time.
const cacheStorage = self.caches;
const secure = Boolean(cacheStorage && self.crypto?.subtle);
// Any failure to reach the store counts as no store.
const store = () =>
  secure ? cacheStorage.open(SNAPSHOTS).catch(() => null) : null;

// What the reader's code must not reach, on this global and its prototypes:
// the site's Cache Storage, and workers, which would bring their own.
const SEALED = ["caches", "Worker", "SharedWorker"];

function seal() {
  for (let scope = self; scope; scope = Object.getPrototypeOf(scope)) {
    for (const name of SEALED) {
      if (Object.hasOwn(scope, name)) delete scope[name];
    }
  }
}

// The key of a snapshot: a digest of every file that shapes the ready
// interpreter (run-core.mjs decides what runs before it is taken), as an
// address on this site (Cache Storage wants one); null without crypto.subtle.
async function keyOf(files) {
  if (!secure) return null;
  const text = JSON.stringify([
    files.lock,
    files.core,
    files.runner,
    files.listings,
    files.replay,
  ]);
  const hex = await sha256(new TextEncoder().encode(text));
  return new URL(`python/snapshot-${hex}`, here).href;
}

async function savedSnapshot(key, saved) {
  if (key === null) return null;
  if (saved?.key === key) return saved.snapshot;
  const cache = await store();
  const response = await cache?.match(key);
  return response ? new Uint8Array(await response.arrayBuffer()) : null;
}

async function load({ saved }) {
  const started = performance.now();
  const modules = Promise.all(
    ["run-core.mjs", "runner.py", "listings.py", "replay.py"].map((name) =>
      fetched(new URL(name, here)),
    ),
  );
  const lock = fetched(new URL("pyodide-lock.json", runtime));
  const wheel = lock.then((text) =>
    fetched(new URL(wheelName(text), runtime), "bytes", {
      integrity: wheelIntegrity(text),
    }),
  );
  for (const pending of [modules, lock, wheel]) pending.catch(() => {});
  const [{ loadPyodide }] = await Promise.all([
    import(new URL("pyodide.mjs", runtime).href),
    checkWasm(),
  ]);
  const [core, runner, listings, replay] = await modules;
  const files = {
    indexURL: runtime.href,
    lock: await lock,
    wheel: await wheel,
    core,
    runner,
    listings,
    replay,
  };
  const key = await keyOf(files);
  const snapshot = await savedSnapshot(key, saved).catch(() => null);
  const seconds = () => (performance.now() - started) / 1000;
  if (snapshot !== null) {
    try {
      const python = await startInterpreter(loadPyodide, files, { snapshot });
      return { python, seconds: seconds(), restored: true };
    } catch {
      // Made by another pyodide, or damaged: start from nothing instead.
      await (await store())?.delete(key).catch(() => {});
    }
  }
  const python = await startInterpreter(loadPyodide, files, {
    makeSnapshot: key !== null,
  });
  if (python.snapshot) {
    const { snapshot } = python;
    post({ type: "saved", key, snapshot }, [snapshot.buffer]);
  }
  return { python, seconds: seconds(), restored: false };
}

const message = (error) => String(error?.message || error);
let ready = null;
let compiled = false;

async function runOne({ id, kind, source, edits, file, ran, seen }) {
  const { python } = await ready;
  try {
    const report = (record) => post({ type: "example", id, record });
    const block = { kind, source, edits, file, ran, seen };
    const records = await python.run(block, report);
    post({ type: "result", id, records });
    if (!compiled) {
      // After the answer: the reader waits for none of it (runner.py).
      compiled = true;
      python.compile();
    }
  } catch (error) {
    const type = python.alive() ? "error" : "ended";
    post({ type, id, message: message(error) });
  }
}

self.addEventListener("message", ({ data }) => {
  if (data.type === "load" && ready === null) {
    ready = load(data);
    ready.then(
      ({ python, seconds, restored }) => {
        seal();
        post({
          type: "ready",
          version: python.version,
          seconds,
          restored,
        });
      },
      (error) => post({ type: "fatal", message: message(error) }),
    );
  } else if (data.type === "run") {
    runOne(data);
  }
});
