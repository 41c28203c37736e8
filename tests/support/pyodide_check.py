"""Every ``>>>`` block of the chapter pages, run in pyodide under Node.

The blocks run with the code the Run button runs (``docs/assets/run/``:
``run-core.mjs`` and ``runner.py``), in the same runtime and with the same
wheel (:mod:`sitetools.runtime`), one runtime for all blocks, each block in
fresh globals. After them, in the same runtime, Run on each package listing
and a reader's edit of one (:func:`listing_jobs`). Node starts as soon as
pytest has collected a test that needs it, and runs in the background while
other tests run (``tests/conftest.py``); the tests collect its answer. The
answer is stored
(:mod:`tests.support.buildcache`), so Node runs again only when the blocks, the Run
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
from sitetools.snippets import resolve_target
from tests.support.buildcache import Product, locked, project_fingerprint
from tests.support.sessions import (
    Listing,
    Session,
    all_listings,
    all_sessions,
    sessions,
)
from tests.support.sitebuild import ROOT

RUN_DIR = runtime.RUN
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


@dataclass(frozen=True)
class Job:
    """A block as run.js sends it to the worker (see ``run-worker.mjs``)."""

    kind: str  # session, script, listing or replay
    source: str
    edits: tuple[tuple[str, tuple[str, ...], str], ...] = ()  # file, sections, code
    file: str | None = None
    ran: str | None = None  # a replay: the kind of the run it replays

    def message(self) -> dict[str, Any]:
        edits = [
            {"file": file, "sections": list(sections), "code": code}
            for file, sections, code in self.edits
        ]
        return {
            "kind": self.kind,
            "source": self.source,
            "edits": edits,
            "file": self.file,
            "ran": self.ran,
        }


# The reader's edit the issue names: a receiver that returns Pending without
# storing the waker, then the cart_total trace example of async-fn.md.
RECEIVER = "chapter2/oneshot.py", ("receiver",)
WAKER_LINE = "        self._slot.waker = cx.waker()\n"
TOTAL = "chapter2/cart.py", ("cart_total",)
BREW = "chapter2/recap.py", ("brew",)
TRACE_EXAMPLE = 'print(trace_for("one-by-one", "async-fn", prices=prices))'


def trace_session() -> Session:
    [session] = [s for s in sessions("async-fn.md") if TRACE_EXAMPLE in s.source]
    return session


def shown_as_is(listing: Listing) -> Job:
    """Run on a script block as the page shows it; a listing's text is sent
    as an edit, as run.js sends it, so it must splice back into its module."""
    if listing.file is None:
        return Job("script", listing.source)
    sections = tuple(s or "" for s in listing.sections)
    edit = (listing.file, sections, listing.source)
    return Job("listing", listing.source, (edit,), listing.file)


def listing_jobs() -> dict[str, Job]:
    """Run on every listing of the chapter pages, as shown, and the edit above.

    ``forgetful``: Run on the receiver listing without the waker line;
    ``stalled``: the trace example with that edit in force; ``minus`` and
    ``minus trace``: the same with ``cart_total`` subtracting instead;
    ``reset``: the example after Reset (no edit); ``broken``: an edit that
    does not parse. The others are named by the block's place (a script block that
    shows no package code just runs).
    """
    jobs = {listing.where: shown_as_is(listing) for listing in all_listings()}
    receiver = resolve_target(":".join((RECEIVER[0], *RECEIVER[1]))).text
    forgetful = receiver.replace(WAKER_LINE, "")
    broken = receiver.replace(
        "def poll(self, cx: Context)", "def poll(self, cx: Context"
    )
    trace = trace_session().source
    jobs["forgetful"] = Job(
        "listing", forgetful, ((*RECEIVER, forgetful),), RECEIVER[0]
    )
    jobs["stalled"] = Job("session", trace, ((*RECEIVER, forgetful),))
    # The same size as the package's own text: old bytecode could pass for it.
    minus = resolve_target(f"{TOTAL[0]}:{TOTAL[1][0]}").text.replace(" + ", " - ")
    jobs["minus"] = Job("listing", minus, ((*TOTAL, minus),), TOTAL[0])
    jobs["minus trace"] = Job("session", trace, ((*TOTAL, minus),))
    jobs["reset"] = Job("session", trace)
    jobs["broken"] = Job("listing", broken, ((*RECEIVER, broken),), RECEIVER[0])
    # A listing edit that raises: in poll, when an example runs, and on import.
    raising = receiver.replace(WAKER_LINE, WAKER_LINE + RAISE_LINE)
    jobs["raising"] = Job("listing", raising, ((*RECEIVER, raising),), RECEIVER[0])
    jobs["raising trace"] = Job("session", trace, ((*RECEIVER, raising),))
    exits = resolve_target(f"{BREW[0]}:{BREW[1][0]}").text + EXIT_LINES
    jobs["exits"] = Job("listing", exits, ((*BREW, exits),), BREW[0])
    # What a reader may try: each probe changes the interpreter, then the
    # page's own example must still give the page's output.
    for number, probe in enumerate(ISOLATION_PROBES):
        jobs[f"probe {number}"] = Job("session", probe)
        jobs[f"after probe {number}"] = Job("session", trace)
    # Step through this run (replay.py): an edited price, and the forgetful
    # receiver's listing, as the stepper's steps (tests/pages/test_run_replay.py).
    priced = trace.replace('"socks": 12', '"socks": 20')
    jobs["replay price"] = Job("replay", priced, ran="session")
    jobs["replay forgetful"] = Job(
        "replay", forgetful, ((*RECEIVER, forgetful),), ran="listing"
    )
    jobs["input"] = Job("session", ">>> input()\n")
    jobs["interrupt"] = Job("session", ">>> raise KeyboardInterrupt\n")
    jobs["plain"] = Job("script", "print('hello')\n")
    # What a run turns off or on for good, then what the next run finds.
    jobs["lasting probe"] = Job("session", LASTING_PROBE)
    jobs["lasting after"] = Job("script", LASTING_AFTER)
    jobs["timer probe"] = Job("script", TIMER_PROBE)
    jobs["timer after"] = Job(
        "script", "import time\ntime.sleep(0.05)\nprint('quiet')\n"
    )
    jobs["task probe"] = Job("script", TASK_PROBE)
    jobs["task after"] = Job("script", TASK_AFTER)
    jobs["asyncio raises"] = Job("script", ASYNCIO_RAISES)
    jobs["task raises"] = Job("script", TASK_RAISES)
    jobs["javascript raises"] = Job("script", JAVASCRIPT_RAISES)
    return jobs


LASTING_PROBE = """>>> import gc, logging, sys, warnings
>>> gc.disable()
>>> warnings.simplefilter("error")
>>> logging.basicConfig(format="earlier run: %(message)s")
>>> logging.getLogger("cart").setLevel(logging.CRITICAL)
>>> sys.addaudithook(print)
"""
LASTING_AFTER = """import gc, logging, warnings
print(gc.isenabled())
warnings.warn("only a warning")
logging.warning("logged")
logging.getLogger("cart").error("cart logged")
print("went on")
"""
# A JavaScript timer set by the reader's code, still going as its run ends,
# and an asyncio callback due after it.
TIMER_PROBE = """import asyncio, js
from pyodide.ffi import create_proxy
js.setInterval(create_proxy(lambda: print("tick from the earlier run")), 1)
asyncio.get_event_loop().call_later(0.01, print, "late from the earlier run")
"""
# A task still going when its run ends, which sets its timers after it;
# then a run of its own that waits a while.
TASK_PROBE = """import asyncio

async def forever():
    while True:
        await asyncio.sleep(0.001)
        print("background task from an earlier run")

asyncio.ensure_future(forever())
print("started")
"""
TASK_AFTER = """import asyncio

async def main():
    await asyncio.sleep(0.05)
    print("only this run")

asyncio.run(main())
"""
# A JavaScript error, met where the reader's code waits for a promise.
JAVASCRIPT_RAISES = """import js
from pyodide.ffi import run_sync
run_sync(js.Promise.reject(js.Error.new("refused")))
"""
# An exception out of asyncio.run, which pyodide's event loop runs, and one
# in a task that nothing awaits.
ASYNCIO_RAISES = """import asyncio

async def main():
    await asyncio.sleep(0)
    raise ValueError("oops")

asyncio.run(main())
"""
TASK_RAISES = """import asyncio

async def boom():
    raise ValueError("in a task")

async def main():
    asyncio.create_task(boom())
    await asyncio.sleep(0.01)
    print("main done")

asyncio.run(main())
"""


# Run in each of two interpreters restored from the first one's memory
# snapshot, as every later start in the page is: each must draw its own
# random numbers, and the page's example must give the page's output.
DRAW = "import random\nprint(random.random())\n"


def restored_jobs() -> dict[str, Job]:
    return {
        "draw": Job("script", DRAW),
        "trace": Job("session", trace_session().source),
    }


RAISE_LINE = '        raise ValueError("the reader\'s own error")\n'
EXIT_LINES = "\n\nimport sys\n\nsys.exit(3)\n"
ISOLATION_PROBES = (
    ">>> import dataclasses\n>>> dataclasses.dataclass = None\n",
    ">>> import builtins\n>>> builtins.print = None\n",
    ">>> import sys\n>>> sys.setrecursionlimit(60)\n",
    ">>> import sys\n>>> sys.modules['asyncio'] = None\n"
    ">>> sys.modules['chapter2.cart'] = None\n",
    ">>> import os\n>>> os.chdir('/')\n>>> os.environ['PYTHONWARNINGS'] = 'error'\n",
    ">>> import doctest\n>>> doctest.DocTestParser.get_examples = None\n",
    ">>> import dataclasses\n>>> dataclasses.Field.__repr__ = lambda self: 'x'\n",
    # What the runner itself calls when it puts the interpreter back.
    ">>> import asyncio\n>>> asyncio.all_tasks = None\n",
)


@dataclass
class Answer:
    version: str
    seconds: dict[str, float]
    results: dict[Session, Any]
    jobs: dict[str, Any]  # the listing jobs' results, by name
    # Each restored interpreter's results of restored_jobs(), by name; or why
    # there were none.
    restored: list[dict[str, Any]] | str
    stored: bool  # made by an earlier test run with the same inputs
    # The library's modules the start imported with no bytecode beside them.
    uncompiled: list[str]


class PyodideCheck:
    """One Node process running every block, made once per change of its inputs.

    Its inputs are the Run button's code and runtime, this check's script, the
    blocks, and Node's version (:mod:`tests.support.buildcache`).
    """

    def __init__(self) -> None:
        self.sessions = all_sessions()
        self.jobs = listing_jobs()
        self.restored = restored_jobs()
        self.reason = missing()
        run = [Job("session", s.source) for s in self.sessions]
        self._blocks = {
            "blocks": [job.message() for job in [*run, *self.jobs.values()]],
            "restored": [job.message() for job in self.restored.values()],
        }
        self._product = Product("pyodide", self._key, self._run)
        self._answer: Answer | None = None

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
            [
                str(RUN_DIR.relative_to(ROOT)),
                str(SCRIPT.relative_to(ROOT)),
                str(runtime.PRECOMPILER.relative_to(ROOT)),
            ],
            json.dumps(self._blocks),
            node,
            *node_command(),
        )

    def _run(self, folder: Path) -> Any:
        blocks = folder / "blocks.json"
        blocks.write_text(json.dumps(self._blocks))
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
            results = data["results"]
            blocks = dict(zip(self.sessions, results, strict=False))
            jobs = dict(zip(self.jobs, results[len(blocks) :], strict=True))
            restored = data["restored"]
            if isinstance(restored, list):
                restored = [
                    dict(zip(self.restored, results, strict=True))
                    for results in restored
                ]
            stored = not self._product.made_in_this_run()
            self._answer = Answer(
                data["version"],
                data["seconds"],
                blocks,
                jobs,
                restored,
                stored,
                data["uncompiled"],
            )
        return self._answer
