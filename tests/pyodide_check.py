"""Every ``>>>`` block of the chapter pages, run in pyodide under Node.

The blocks run with the code the Run button runs (``docs/assets/run/``:
``run-core.mjs`` and ``runner.py``), in the same runtime and with the same
wheel (:mod:`sitetools.runtime`), one runtime for all blocks, each block in
fresh globals. Node starts as soon as pytest has collected a test that needs
it, and runs in the background while other tests run
(``tests/conftest.py``); the tests collect its answer. The answer is stored
(:mod:`tests.buildcache`), so Node runs again only when the blocks, the Run
button's code or the runtime change.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitetools import runtime
from tests.buildcache import Product, locked, project_fingerprint
from tests.sessions import DOCS, Session, all_sessions
from tests.sitebuild import ROOT

RUN_DIR = DOCS / "assets" / "run"
SCRIPT = Path(__file__).with_name("run_in_node.mjs")
TIMEOUT = 300  # seconds; about 10 on a busy 2-core machine
STACK_SWITCHING = "--experimental-wasm-stack-switching"


def missing() -> str | None:
    """Why the check cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (.ci/run installs Debian's nodejs)"
    return runtime.missing_reason()


def node_command() -> list[str]:
    """node, with the flag for WebAssembly stack switching where it needs one.

    asyncio.run() in pyodide needs stack switching (JSPI); Node 20 has it
    behind this V8 flag, later versions may have it on by default.
    """
    v8_options = subprocess.run(
        ["node", "--v8-options"], capture_output=True, text=True, check=False
    ).stdout
    return ["node", STACK_SWITCHING] if STACK_SWITCHING in v8_options else ["node"]


@dataclass
class Answer:
    version: str
    seconds: dict[str, float]
    results: dict[Session, Any]
    stored: bool  # made by an earlier run with the same inputs


class PyodideCheck:
    """One Node process running every block, made once per change of its inputs.

    Its inputs are the Run button's code and runtime, this check's script, the
    blocks, and Node's version (:mod:`tests.buildcache`).
    """

    def __init__(self) -> None:
        self.sessions = all_sessions()
        self.reason = missing()
        self._sources = [s.source for s in self.sessions]
        self._product = Product("pyodide", self._key, self._run)
        self._answer: Answer | None = None
        self._made_here = False

    def start(self) -> None:
        """Start the run in the background now, unless it is stored."""
        if self.reason is None:
            self._product.start()

    def _key(self) -> str:
        with locked("runtime"):
            runtime.prepare()
        node = subprocess.run(
            [*node_command(), "--version"], capture_output=True, text=True, check=False
        ).stdout
        return project_fingerprint(
            [str(RUN_DIR.relative_to(ROOT)), str(SCRIPT.relative_to(ROOT))],
            json.dumps(self._sources),
            node,
            *node_command(),
        )

    def _run(self, folder: Path) -> Any:
        self._made_here = True
        blocks = folder / "blocks.json"
        blocks.write_text(json.dumps(self._sources))
        try:
            completed = subprocess.run(
                [*node_command(), str(SCRIPT), str(RUN_DIR), str(blocks)],
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"pyodide under Node took over {TIMEOUT} s"}
        if completed.returncode != 0:
            return {"error": f"node failed:\n{completed.stderr[-3000:]}"}
        return json.loads(completed.stdout)

    def answer(self) -> Answer:
        if self._answer is None:
            data, _ = self._product.get()
            assert "error" not in data, data["error"]
            results = dict(zip(self.sessions, data["results"], strict=True))
            self._answer = Answer(
                data["version"], data["seconds"], results, not self._made_here
            )
        return self._answer
