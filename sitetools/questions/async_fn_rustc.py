"""Does it compile? Questions on the listings rustc rejects (docs/async-fn.md).

The key is rustc's own verdict, read from the page's ``rustc on NAME.rs``
and ``output of NAME.rs`` blocks, which tests/listings/test_rust_listings.py
holds to what rustc 1.95 prints for the listing (tests/sitetools/
test_questions.py reads rustc directly too, where it is installed): the value
rustc blames, its type, the ``.await`` it is held across.
"""

from __future__ import annotations

import re

from sitetools.questions.core import Answer, Question, QuestionError, Show, Wrong
from sitetools.questions.helpers import DOCS, checked_block, fence, find_block

PAGE = "async-fn.md"
NOT_SEND = re.compile(r"has type `(?P<type>[^`]+)` which is not `Send`")
HELD = re.compile(r"await occurs here, with `(?P<value>[^`]+)` maybe used later")
REJECTED = re.compile(r"error(?:\[(?P<code>E\d+)\])?: (?P<message>.*)")


def section(listing: str, name: str) -> str:
    """The lines of ``listing`` between its ``--8<--`` markers for ``name``."""
    text = (DOCS / "listings" / listing).read_text(encoding="utf-8")
    start = text.index(f"// --8<-- [start:{name}]\n") + len(
        f"// --8<-- [start:{name}]\n"
    )
    return text[start : text.index(f"// --8<-- [end:{name}]")].rstrip()


def blamed(said: str) -> tuple[str, str]:
    """The value rustc says is held across an ``.await``, and its type."""
    value, kind = HELD.search(said), NOT_SEND.search(said)
    if value is None or kind is None:
        raise QuestionError(f"rustc's words no longer name a value and type:\n{said}")
    return value["value"], kind["type"]


def verdict(listing: str) -> tuple[bool, str, str]:
    """(compiles, value to blame, its type) as a page shows rustc saying."""
    said = find_block(f"rustc on {listing}")
    if said is None:
        raise QuestionError(f"no page shows rustc rejecting {listing}")
    return (False, *blamed(said))


def drop_guard() -> Question:
    listing = "send_guard_drop.rs"
    compiles, value, kind = verdict(listing)
    name = value.removeprefix("mut ")
    source = section(listing, "count")
    borrows = [
        line.strip().rstrip(";") for line in source.splitlines() if f"*{name}" in line
    ]
    if f"drop({name})" not in source or not borrows:
        raise QuestionError(
            f"{listing} no longer borrows `{name}` and then drops it; "
            "the question's explanation is about that borrow"
        )
    released = (find_block("output of send_guard_released.rs") or "").splitlines()
    free = next((line for line in released if line.startswith("lock free")), "")
    if not free.endswith("true"):
        raise QuestionError("send_guard_released.rs no longer shows the lock free")
    fixed = (find_block("output of send_guard_block.rs") or "").strip()
    return Question(
        "async-fn-drop-guard",
        PAGE,
        "drop() before the .await",
        "This future is handed to a `spawn` with `tokio::spawn`'s bound "
        "(`F: Future + Send + 'static`). Does it compile? If not, which value "
        "is to blame?\n\n" + fence(source, "rust"),
        Answer(
            (compiles, value),
            f"No: `{name}` is held across the `.await`",
            f'rustc: "await occurs here, with `{value}` maybe used later", and '
            f"the guard's type, `{kind}`, is not `Send`. `{borrows[0]}` borrowed "
            f"`{name}`, and once a local has been borrowed rustc keeps its "
            "slot in the state until its scope ends, even after "
            f"`drop({name})` has emptied it. A block that ends before the "
            f"`.await` ends the scope, and that version compiles and prints "
            f"`{fixed}`.",
        ),
        (
            Wrong(
                "drop() takes a value out of the state even after it was borrowed",
                (True, ""),
                f"Yes: `drop({name})` ends the guard before the `.await`",
                f"At run time it does: send_guard_released.rs prints "
                f"`{free}`. But `{borrows[0]}` borrowed `{name}`, so rustc "
                "keeps its slot, of a type that is not `Send`, in the state "
                f'at the `.await` ("with `{value}` maybe used later").',
            ),
            Wrong(
                "the value computed before the .await is what is held",
                (False, "visits"),
                "No: `visits` is held across the `.await`",
                "rustc does not blame `visits`, a `u32`: it names "
                f"`{value}`, of type `{kind}`.",
            ),
        ),
        Show("Read the section on locks", "guard"),
    )


def temporary() -> Question:
    """On the errors page, after "A guard with no name"."""
    listing = "send_temporary.rs"
    compiles, value, kind = verdict(listing)
    return Question(
        "errors-temporary",
        "errors.md",
        "a lock in the same statement",
        "No variable holds the lock here. Given to the same `spawn`, does this "
        "compile? If not, what is to blame?\n\n"
        + fence(section(listing, "count"), "rust"),
        Answer(
            (compiles, value),
            "No: the unnamed guard is held across the `.await`",
            f"The guard is the temporary `{value}`. A temporary lives to "
            "the end of its statement, and this one's "
            f'type, `{kind}`, is not `Send`. rustc: "with `{value}` maybe '
            'used later".',
        ),
        (
            Wrong(
                "only named variables can be held across an .await",
                (True, ""),
                "Yes: no variable holds the guard, so nothing is held",
                f"rustc rejects it and names the temporary: `{value}`, a `{kind}`.",
            ),
            Wrong(
                "the static Mutex is what cannot cross threads",
                (False, "VISITS"),
                "No: the static `VISITS` cannot be shared with another thread",
                "rustc blames the guard, not the static: "
                f"`{value}` has type `{kind}`. send_guard_block.rs uses the "
                "same static from a spawned thread and compiles.",
            ),
        ),
        Show("Read the section on a guard with no name", "temporary"),
    )


def not_unpin() -> Question:
    listing = "not_unpin.rs"
    said = checked_block(PAGE, f"rustc on {listing}")
    first = REJECTED.match(said.splitlines()[0])
    if first is None:
        raise QuestionError(f"rustc on {listing} does not start with an error")
    code, message = first["code"] or "", first["message"]
    advice = re.search(r"consider using the `(?P<what>[^`]+)`", said)
    fix = advice["what"] if advice else ""
    source = (DOCS / "listings" / listing).read_text(encoding="utf-8")
    body = "\n".join(line for line in source.splitlines() if not line.startswith("//"))
    return Question(
        "async-fn-not-unpin",
        PAGE,
        "Pin::new on an async fn's future",
        "`e` borrows nothing and holds nothing. Does this compile?\n\n"
        + fence(body.strip(), "rust"),
        Answer(
            (False, code),
            f"No: {code}, {message}",
            "rustc marks every `async fn` future `!Unpin`, whatever it holds, "
            "and `Pin::new` accepts only `Unpin` types. rustc's advice: "
            f"`{fix}`, which pins the future where it is.",
        ),
        (
            Wrong(
                "a future that borrows nothing is Unpin",
                (True, ""),
                "Yes: `e()` cannot point into itself, so it is `Unpin`",
                f"rustc does not look at what the state holds: {code}, {message}.",
            ),
            Wrong(
                "pinning needs the heap",
                (False, "Box::pin"),
                "No: a future can only be pinned in a `Box`",
                f"The error is {code}, {message}, and rustc's own advice is "
                f"`{fix}`, which pins on the stack.",
            ),
        ),
        Show("Read why poll takes Pin", "pin"),
    )


QUESTIONS = (drop_guard, not_unpin)
