"""The page's queue of runs, under Node with a stand-in Web Worker.

``python.mjs`` decides which worker runs what: one run at a time, Stop on
a waiting run cancels it alone, Stop on a running one (or on Python
starting) ends that worker and the queue goes on, code that ends Python
ends its run only, the reader's code never runs in the worker that took
the snapshot, and the page's own example after the reader's code runs in
a new worker, started from the snapshot (not a forged one); with no
snapshot, only when it differs; and a run whose block has left the page
is stopped. ``tests/support/run_queue.mjs``
drives it through each rule (about 0.1 s, no browser, no Python start);
the browser tests see the same rules through the buttons.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.support.sitebuild import ROOT

SCRIPT = ROOT / "tests" / "support" / "run_queue.mjs"
CLIENT = ROOT / "docs" / "assets" / "run" / "python.mjs"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_queue_keeps_each_rule() -> None:
    done = subprocess.run(
        ["node", str(SCRIPT), str(CLIENT)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[-1] == "ok", done.stdout
    assert len(lines) == 11, done.stdout
