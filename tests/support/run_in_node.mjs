// Run >>> blocks in pyodide under Node, with the code the Run button uses.
//
//   node --experimental-wasm-stack-switching tests/support/run_in_node.mjs RUN_DIR BLOCKS
//
// RUN_DIR is docs/assets/run/ (or the built site's assets/run/): run-core.mjs,
// runner.py, listings.py and python/ with the runtime and the wheel. BLOCKS is a JSON file
// holding {blocks, restored}: two lists of blocks as run.js sends them to the
// worker, {kind, source, edits, file} (see run-worker.mjs). One runtime runs
// the blocks, in order, each in fresh globals. It takes a memory snapshot as
// it starts, as the worker's first start does; then each of two runtimes
// restored from that snapshot runs the restored blocks, as a later start in
// the page would. Prints one JSON object: {version, seconds, results,
// restored, uncompiled}, where results[i] is the list of records of block i
// (a listing: one record), or {error} if it could not run, restored[k] the
// same for the k-th restored runtime, and uncompiled the modules of the
// standard library the first start compiled from source.

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";

const [runDir, blocksFile] = process.argv.slice(2).map((arg) => resolve(arg));
const { siteStart, TRACK_IMPORTS, COMPILED_FROM_SOURCE } = await import(
  new URL("../../sitetools/precompile.mjs", import.meta.url).href
);

const started = performance.now();
const { startInterpreter, loadPyodide, files } = await siteStart(runDir);
// The first start notes what it imports, for the check below. The finder
// that notes them stays in this Python (and in its snapshot): it only
// writes names down, and no block looks at sys.meta_path.
const noting = async (options) => {
  const ready = await loadPyodide(options);
  ready.runPython(TRACK_IMPORTS);
  return ready;
};
const python = await startInterpreter(noting, files, {
  makeSnapshot: true,
});
// The modules of the standard library this start compiled from source, as
// it found no bytecode for them in the site's library
// (sitetools/precompile.mjs): none, if set-up did its work.
const uncompiled = JSON.parse(python.python.runPython(COMPILED_FROM_SOURCE));
python.compile(); // as the worker does after its first run
const loaded = performance.now();
const { blocks, restored } = JSON.parse(await readFile(blocksFile, "utf8"));

async function runAll(interpreter, jobs) {
  const results = [];
  for (const { kind, source, edits = [], file, ran } of jobs) {
    try {
      results.push(await interpreter.run({ kind, source, edits, file, ran }));
    } catch (error) {
      results.push({ error: String(error), alive: interpreter.alive() });
    }
  }
  return results;
}

const results = await runAll(python, blocks);
const ran = performance.now();
// Without a snapshot the two would start from nothing, and prove nothing.
let again = "pyodide took no memory snapshot";
if (python.snapshot) {
  again = [];
  for (let copy = 0; copy < 2; copy++) {
    const restoredPython = await startInterpreter(loadPyodide, files, {
      snapshot: python.snapshot,
    });
    again.push(await runAll(restoredPython, restored));
  }
}
const seconds = {
  start: (loaded - started) / 1000,
  blocks: (ran - loaded) / 1000,
};
process.stdout.write(
  `${JSON.stringify({ version: python.version, seconds, results, restored: again, uncompiled })}\n`,
);
