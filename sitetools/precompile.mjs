// pyodide's standard library with bytecode for what a start imports.
//
//   node sitetools/precompile.mjs RUN_DIR STDLIB OUT KEY
//
// pyodide ships its standard library as source in python_stdlib.zip, so
// every start compiles each module it imports: about 140, more than half of
// a first Run's time in the browser (3.1 s against 1.6 s with bytecode,
// tried). This starts Python as the Run button does (RUN_DIR/run-core.mjs,
// with the site's copies of pyodide, its lock and the chapter2 wheel in
// RUN_DIR/python/) from pyodide's own library STDLIB, then writes to OUT
// that library with a .pyc beside every module the start imported:
// compiled by this very Python (its magic number, its compiler),
// hash-based and unchecked, so the browser neither checks nor writes
// anything. The sources stay, entry for entry, for tracebacks and inspect.
// KEY, the digest of what the result was made from (sitetools/runtime.py),
// becomes the zip's comment: set-up compares it to decide whether to make
// the file again.
//
// tests/support/run_in_node.mjs starts Python as this does (siteStart), and
// uses the two helpers below to check that a start finds bytecode for
// everything it imports, and uses it.

import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

// Python that notes every module imported from here on, with those imported
// already: a finder first in line that writes the name down and lets the
// others find it. (Not an audit hook: importlib.import_module raises no
// "import" event, and runner.py imports its doctest that way, then drops it.)
export const TRACK_IMPORTS = `
import sys

class _ImportsSeen:
    names = set(sys.modules)

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        cls.names.add(name)
        return None

sys.meta_path.insert(0, _ImportsSeen)
sys.modules["_imports_seen"] = _ImportsSeen
del _ImportsSeen
`;

// Python: the sources in the library ARCHIVE of the modules noted since
// TRACK_IMPORTS: a module still imported by where it came from (a frozen
// one, say, has a source there that it never read), one dropped by its name.
const IMPORTED_SOURCES = `
import sys, zipfile
ARCHIVE = f"/lib/python{sys.version_info[0]}{sys.version_info[1]}.zip"
with zipfile.ZipFile(ARCHIVE) as _library:
    _entries = set(_library.namelist())

def _sources(name):
    module = sys.modules.get(name)
    if module is not None:
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if isinstance(origin, str) and origin.startswith(ARCHIVE + "/"):
            yield origin.removeprefix(ARCHIVE + "/").removesuffix("c")
        return
    path = name.replace(".", "/")
    yield from (path + "/__init__.py", path + ".py")

imported_sources = sorted(
    source
    for name in sys.modules["_imports_seen"].names
    for source in _sources(name)
    if source in _entries
)
`;

// Python: a JSON list of what a start did not take from bytecode: every
// module noted whose source has no .pyc beside it, and every module still
// imported that zipimport compiled from source (its origin is the .py).
export const COMPILED_FROM_SOURCE = `${IMPORTED_SOURCES}
import json
json.dumps(sorted(
    {source for source in imported_sources if source + "c" not in _entries}
    | {
        spec.origin.removeprefix(ARCHIVE + "/")
        for module in list(sys.modules.values())
        if (spec := getattr(module, "__spec__", None)) is not None
        and isinstance(spec.origin, str)
        and spec.origin.startswith(ARCHIVE + "/")
        and spec.origin.endswith(".py")
    }
))
`;

// As zipimport compiles a module it finds as source: line endings made
// "\n", the module's path in the archive as its file name.
const WRITE_LIBRARY = `${IMPORTED_SOURCES}
import importlib.util
from importlib._bootstrap_external import _code_to_hash_pyc

with zipfile.ZipFile(ARCHIVE) as source, zipfile.ZipFile("/tmp/out.zip", "w") as made:
    for entry in source.infolist():
        data = source.read(entry)
        made.writestr(entry, data)
        if entry.filename not in imported_sources:
            continue
        text = data.replace(b"\\r\\n", b"\\n").replace(b"\\r", b"\\n")
        code = compile(text, f"{ARCHIVE}/{entry.filename}", "exec", dont_inherit=True)
        pyc = zipfile.ZipInfo(entry.filename + "c", entry.date_time)
        pyc.compress_type = zipfile.ZIP_DEFLATED
        pyc.external_attr = entry.external_attr
        bytecode = _code_to_hash_pyc(code, importlib.util.source_hash(data), False)
        made.writestr(pyc, bytes(bytecode), compresslevel=9)
    made.comment = KEY.encode()
`;

// What a start in Node needs from RUN_DIR (docs/assets/run/ or a built
// site's assets/run/): run-core.mjs's startInterpreter, pyodide's loader,
// and the files run-core.mjs takes, read as the worker fetches them.
export async function siteStart(runDir) {
  const here = resolve(runDir);
  const runtime = `${join(here, "python")}/`;
  const { startInterpreter, wheelName } = await import(
    pathToFileURL(join(here, "run-core.mjs")).href
  );
  const { loadPyodide } = await import(
    pathToFileURL(join(runtime, "pyodide.mjs")).href
  );
  const lock = await readFile(join(runtime, "pyodide-lock.json"), "utf8");
  const read = (name) => readFile(join(here, name), "utf8");
  const files = {
    indexURL: runtime,
    lock,
    wheel: await readFile(join(runtime, wheelName(lock))),
    runner: await read("runner.py"),
    listings: await read("listings.py"),
    replay: await read("replay.py"),
  };
  return { startInterpreter, loadPyodide, files };
}

async function main([runDir, stdlib, out, key]) {
  const { startInterpreter, loadPyodide, files } = await siteStart(runDir);
  const start = async (options) => {
    const python = await loadPyodide({
      ...options,
      stdLibURL: resolve(stdlib),
    });
    python.runPython(TRACK_IMPORTS);
    return python;
  };
  const { python } = await startInterpreter(start, files);
  python.globals.set("KEY", key);
  python.runPython(WRITE_LIBRARY);
  await writeFile(out, python.FS.readFile("/tmp/out.zip"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  if (args.length !== 4) {
    console.error("usage: node precompile.mjs RUN_DIR STDLIB OUT KEY");
    process.exit(2);
  }
  // pyodide keeps Node's event loop alive: exit once the file is written.
  main(args).then(
    () => process.exit(0),
    (error) => {
      console.error(error?.stack || String(error));
      process.exit(1);
    },
  );
}
