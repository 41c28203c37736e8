"""The API reference shows what a reader needs on the entry a page links to:
VirtualClock's entry lists block, work and sleep, which it implements or
takes from Clock, each with Clock's description."""

from __future__ import annotations

import griffe

from sitetools.griffe_inherit import inherit_docstrings
from tests.support.sitebuild import ROOT, BuildResult, html_path


def test_an_undocumented_override_takes_the_docstring_it_overrides() -> None:
    package = griffe.load("chapter2", search_paths=[str(ROOT)])
    block = package["clock.VirtualClock.block"]
    assert block.docstring is None
    filled = inherit_docstrings(package)
    assert "chapter2.clock.VirtualClock.block" in filled
    assert block.docstring is not None
    assert block.docstring.value == package["clock.Clock.block"].docstring.value
    # A method with a docstring of its own keeps it.
    assert "chapter2.clock.VirtualClock._park" not in filled


def test_the_virtual_clock_entry_lists_what_it_does(built_site: BuildResult) -> None:
    page = html_path(built_site.site, "reference/waiting.md").read_text()
    for method in ("block", "work", "sleep", "now", "turn", "run_threads"):
        anchor = f'id="chapter2.clock.VirtualClock.{method}"'
        assert anchor in page, f"VirtualClock.{method} is not on its entry"
    block = page.split('id="chapter2.clock.VirtualClock.block"', 1)[1][:3000]
    assert "Block the calling thread for" in block, "VirtualClock.block, undescribed"
