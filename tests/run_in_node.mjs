// Run >>> blocks in pyodide under Node, with the code the Run button uses.
//
//   node --experimental-wasm-stack-switching tests/run_in_node.mjs RUN_DIR BLOCKS
//
// RUN_DIR is docs/assets/run/ (or the built site's assets/run/): run-core.mjs,
// runner.py and python/ with the runtime and the wheel. BLOCKS is a JSON file
// holding a list of sessions (strings). One runtime runs them all, each in
// fresh globals. Prints one JSON object: {version, seconds, results}, where
// results[i] is the list of records of block i, or {error} if it could not run.

import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [runDir, blocksFile] = process.argv.slice(2).map((arg) => resolve(arg));
const python = join(runDir, "python") + "/";
const { startPython } = await import(pathToFileURL(join(runDir, "run-core.mjs")).href);
const { loadPyodide } = await import(pathToFileURL(join(python, "pyodide.mjs")).href);

const started = performance.now();
const { version, run } = await startPython(loadPyodide, {
  indexURL: python,
  runnerSource: await readFile(join(runDir, "runner.py"), "utf8"),
});
const loaded = performance.now();
const results = [];
for (const session of JSON.parse(await readFile(blocksFile, "utf8"))) {
  try {
    results.push(await run(session));
  } catch (error) {
    results.push({ error: String(error) });
  }
}
const seconds = {
  start: (loaded - started) / 1000,
  blocks: (performance.now() - loaded) / 1000,
};
process.stdout.write(JSON.stringify({ version, seconds, results }) + "\n");
