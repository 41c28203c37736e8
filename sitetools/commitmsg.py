"""The ``commit-msg`` hook (``.pre-commit-config.yaml``): a commit message is
a subject of at most 72 characters, then a blank line and a body.

The subject says what changed, short enough for ``git log --oneline`` and
a terminal; the body says why and how it was checked. Lines git itself
adds (``#`` comments, the verbose diff) are not part of the message.

Usage: ``python -m sitetools.commitmsg FILE`` (git passes the file).
"""

from __future__ import annotations

import sys
from pathlib import Path

SUBJECT_LIMIT = 72
SCISSORS = "# ------------------------ >8 ------------------------"


def problems(message: str) -> list[str]:
    """What is wrong with ``message``, as git would store it."""
    lines = [
        line for line in message.split(SCISSORS)[0].splitlines()
        if not line.startswith("#")
    ]  # fmt: skip
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return ["the message is empty"]
    subject, rest = lines[0], lines[1:]
    found = []
    if len(subject) > SUBJECT_LIMIT:
        found.append(
            f"the subject is {len(subject)} characters, more than {SUBJECT_LIMIT}:"
            " say what changed in one short line, and the rest in the body"
        )
    if rest and rest[0].strip():
        found.append("a blank line must separate the subject from the body")
    if not any(line.strip() for line in rest):
        found.append("the body is missing: say why, and how it was checked")
    return found


def main(argv: list[str]) -> int:
    (path,) = argv
    found = problems(Path(path).read_text(encoding="utf-8"))
    for problem in found:
        print(f"commit message: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
