// make lint: the site's scripts use no syntax newer than ES2020.
//
// Biome's rules (biome.jsonc) keep the older forms out (var, function
// expressions, string concatenation); nothing in Biome bounds the newer
// side. esbuild does: asked for ES2020, it rewrites syntax that came later
// (??=, class fields with #private names, top-level await...) and prints
// the rest as it prints it for the newest target. A script whose two
// printings differ uses something newer than ES2020; the first line that
// differs shows what.
//
// The scripts are those Biome checks under docs/assets: the files git
// does not ignore there, less the ones biome.jsonc's files.includes leaves
// out ("!path" entries). Usage: node tests/support/script_dialect.mjs

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { transformSync } from "esbuild";

const TARGET = "es2020";

// The "!path" entries of biome.jsonc's files.includes: a file, or a folder
// and everything in it. Comments are stripped the simple way, as no string
// in that file holds "//".
function leftOut() {
  const text = readFileSync("biome.jsonc", "utf8").replace(/^\s*\/\/.*$/gm, "");
  const includes = JSON.parse(text).files.includes;
  return includes
    .filter((entry) => entry.startsWith("!"))
    .map((e) => e.slice(1));
}

function scripts() {
  const listed = execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "docs/assets"],
    { encoding: "utf8" },
  );
  const out = leftOut();
  return listed
    .split("\n")
    .filter((path) => /\.m?js$/.test(path))
    .filter((path) => !out.some((o) => path === o || path.startsWith(`${o}/`)));
}

function firstDifference(file, code) {
  const options = {
    loader: "js",
    format: file.endsWith(".mjs") ? "esm" : undefined,
  };
  let lowered;
  try {
    lowered = transformSync(code, { ...options, target: TARGET }).code;
  } catch (error) {
    return error.errors?.[0]?.text ?? String(error);
  }
  const newest = transformSync(code, { ...options, target: "esnext" }).code;
  const a = lowered.split("\n");
  const b = newest.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    if (a[i] !== b[i]) return `syntax newer than ${TARGET}: ${b[i]?.trim()}`;
  }
  return null;
}

const found = scripts();
if (found.length === 0) {
  console.error(
    "script_dialect: no scripts found under docs/assets (not a git checkout?)",
  );
  process.exit(2);
}
let failed = false;
for (const file of found) {
  const problem = firstDifference(file, readFileSync(file, "utf8"));
  if (problem) {
    console.error(`${file}: ${problem}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
