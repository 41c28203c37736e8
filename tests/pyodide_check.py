"""Every ``>>>`` block of the chapter pages, run in pyodide under Node.

The blocks run with the code the Run button runs (``docs/assets/run/``:
``run-core.mjs`` and ``runner.py``), in the same runtime and with the same
wheel (:mod:`sitetools.runtime`), one runtime for all blocks, each block in
fresh globals. Node starts as soon as pytest has collected a test that needs
it, and runs in the background while other tests run
(``tests/conftest.py``); the tests collect its answer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitetools import runtime
from tests.sessions import DOCS, Session, all_sessions

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


class PyodideCheck:
    """One Node process running every block; started early, read later."""

    def __init__(self) -> None:
        self.sessions = all_sessions()
        self.reason = missing()
        self._answer: Answer | None = None
        self._process: subprocess.Popen[str] | None = None
        if self.reason is not None:
            return
        runtime.prepare()
        self._scratch = tempfile.TemporaryDirectory()
        blocks = Path(self._scratch.name) / "blocks.json"
        blocks.write_text(json.dumps([s.source for s in self.sessions]))
        self._process = subprocess.Popen(
            [*node_command(), str(SCRIPT), str(RUN_DIR), str(blocks)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def answer(self) -> Answer:
        if self._answer is None:
            assert self._process is not None
            try:
                out, err = self._process.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self._process.kill()
                raise AssertionError(
                    f"pyodide under Node took over {TIMEOUT} s"
                ) from None
            finally:
                self._scratch.cleanup()
            assert self._process.returncode == 0, f"node failed:\n{err[-3000:]}"
            data = json.loads(out)
            results = dict(zip(self.sessions, data["results"], strict=True))
            self._answer = Answer(data["version"], data["seconds"], results)
        return self._answer
