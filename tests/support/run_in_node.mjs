// Run >>> blocks in pyodide under Node, with the code the Run button uses.
//
//   node --experimental-wasm-stack-switching tests/support/run_in_node.mjs RUN_DIR BLOCKS
//
// RUN_DIR is docs/assets/run/ (or the built site's assets/run/): run-core.mjs,
// runner.py, listings.py and python/ with the runtime and the wheel. BLOCKS is a JSON file
// holding a list of blocks as run.js sends them to the worker, {kind, source,
// edits, file} (see run-worker.mjs). One runtime runs them all, in order,
// each in fresh globals. Prints one JSON object: {version, seconds, results},
// where results[i] is the list of records of block i (a listing: one record),
// or {error} if it could not run.

import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [runDir, blocksFile] = process.argv.slice(2).map((arg) => resolve(arg));
const runtime = `${join(runDir, "python")}/`;
const { startInterpreter, wheelName } = await import(
  pathToFileURL(join(runDir, "run-core.mjs")).href
);
const { loadPyodide } = await import(
  pathToFileURL(join(runtime, "pyodide.mjs")).href
);

const started = performance.now();
const lock = await readFile(join(runtime, "pyodide-lock.json"), "utf8");
const python = await startInterpreter(loadPyodide, {
  indexURL: runtime,
  lock,
  wheel: await readFile(join(runtime, wheelName(lock))),
  runner: await readFile(join(runDir, "runner.py"), "utf8"),
  listings: await readFile(join(runDir, "listings.py"), "utf8"),
  replay: await readFile(join(runDir, "replay.py"), "utf8"),
});
python.compile(); // as the worker does after its first run
const loaded = performance.now();
const results = [];
for (const { kind, source, edits = [], file, ran } of JSON.parse(
  await readFile(blocksFile, "utf8"),
)) {
  try {
    results.push(await python.run({ kind, source, edits, file, ran }));
  } catch (error) {
    results.push({ error: String(error), alive: python.alive() });
  }
}
const seconds = {
  start: (loaded - started) / 1000,
  blocks: (performance.now() - loaded) / 1000,
};
process.stdout.write(
  `${JSON.stringify({ version: python.version, seconds, results })}\n`,
);
