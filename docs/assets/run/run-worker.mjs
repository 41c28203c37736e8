// The Web Worker that runs Python for the Run buttons (see run.js).
//
// Messages in:  {type: "load", saved}    start Python (once); saved, the
//                  {key, snapshot} this visit kept, or null
//               {type: "run", id, kind, source, edits, file}
//                  kind "session": run a >>> block; "script": run a script;
//                  "listing": put the reader's edit of a package listing in
//                  place (source, the listing's code, is in edits too);
//                  "replay": the steps of a block that ran as kind `ran`
// Messages out: {type: "ready", version, seconds, restored}
//                  restored: started from a saved snapshot
//               {type: "saved", key, snapshot}  a snapshot of this start,
//                  for the page to keep for its next worker
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
// (run-core.mjs), before any code has run in it. After the first run's
// answer it goes into the site's Cache Storage, keyed by the files it was
// made from, and to the page: a later worker, in this visit or after a full
// page load, starts from it in a fraction of the time. A snapshot that does
// not restore is deleted, and Python starts from nothing.

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

const SNAPSHOTS = "chapter2-run-snapshots";
// Cache Storage and crypto.subtle exist only in a secure context (https,
// or this machine). Elsewhere Python starts from nothing each time.
const secure = Boolean(self.caches && self.crypto?.subtle);
// Any failure to reach the store counts as no store.
const store = () => (secure ? caches.open(SNAPSHOTS).catch(() => null) : null);

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
  return { python, seconds: seconds(), restored: false, key };
}

// Keeps this start's snapshot: in Cache Storage, replacing any made from
// other files, and in the page, which hands it to its next worker.
// The page gets it even when the store refuses it (a full disk, say).
async function keep(key, snapshot) {
  const body = new Response(snapshot); // a copy, before the bytes move on
  postMessage({ type: "saved", key, snapshot }, [snapshot.buffer]);
  const cache = await store();
  if (cache) {
    for (const request of await cache.keys()) {
      if (request.url !== key) await cache.delete(request);
    }
    await cache.put(key, body);
  }
}

const message = (error) => String(error?.message || error);
let ready = null;
let compiled = false;

async function runOne({ id, kind, source, edits, file, ran }) {
  const { python, key } = await ready;
  try {
    const report = (record) => postMessage({ type: "example", id, record });
    const block = { kind, source, edits, file, ran };
    const records = await python.run(block, report);
    postMessage({ type: "result", id, records });
    if (!compiled) {
      // After the answer: the reader waits for none of it (runner.py).
      compiled = true;
      if (python.snapshot) keep(key, python.snapshot).catch(() => {});
      python.compile();
    }
  } catch (error) {
    const type = python.alive() ? "error" : "ended";
    postMessage({ type, id, message: message(error) });
  }
}

self.onmessage = ({ data }) => {
  if (data.type === "load" && ready === null) {
    ready = load(data);
    ready.then(
      ({ python, seconds, restored }) =>
        postMessage({
          type: "ready",
          version: python.version,
          seconds,
          restored,
        }),
      (error) => postMessage({ type: "fatal", message: message(error) }),
    );
  } else if (data.type === "run") {
    runOne(data);
  }
};
