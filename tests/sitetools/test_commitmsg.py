"""The commit-msg hook: a subject of at most 72 characters, a blank line,
a body (sitetools/commitmsg.py, run by .pre-commit-config.yaml)."""

from __future__ import annotations

import pytest
import yaml

from sitetools.commitmsg import SCISSORS, problems
from tests.support.sitebuild import ROOT

GOOD = "Executor: refuse a budget that is not a count\n\nWhy, and the test.\n"


def test_a_good_message_passes() -> None:
    assert problems(GOOD) == []
    assert problems("# a comment git adds\n" + GOOD + "# another\n") == []
    assert problems(GOOD + SCISSORS + "\ndiff --git a/x b/x\n" + "x" * 100) == []


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("x" * 73 + "\n\nBody.\n", "the subject is 73 characters, more than 72"),
        ("Subject\nBody right under it.\n", "a blank line must separate"),
        ("Subject only\n", "the body is missing"),
        ("Subject\n\n\n# only comments\n", "the body is missing"),
        ("\n# nothing\n", "the message is empty"),
    ],
)
def test_a_bad_message_is_refused_saying_why(message: str, problem: str) -> None:
    assert [p for p in problems(message) if p.startswith(problem)], problems(message)


def test_the_hook_is_installed_with_the_others() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert "commit-msg" in hooks["default_install_hook_types"]
    (hook,) = [
        hook
        for repo in hooks["repos"]
        for hook in repo["hooks"]
        if "sitetools.commitmsg" in hook["entry"]
    ]
    assert hook["stages"] == ["commit-msg"]
