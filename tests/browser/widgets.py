"""What the site's widgets show, read in the browser.

Shared by each widget's own tests and by test_zensical.py, which drives the
same widgets in Zensical's build: the stepper and its figure, the glossary's
tooltip, the Run button, the Rust/Python tab pairs, the questions.
"""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Locator, Page, expect

from tests.browser.pages import POLLING

# The Run button: how long a first Run may take.
RUN_TIMEOUT = 120_000  # ms; Python's first start on a busy machine, with margin


# What the widget and its figure show now, in one round trip.
SHOWN_JS = """
(root) => {
  const svg = document.getElementById(root.dataset.figure).querySelector('svg');
  const marked = (state) => [...svg.querySelectorAll(`[data-state="${state}"]`)];
  const buttons = Object.fromEntries([...root.querySelectorAll('button[data-go]')]
    .map((b) => [b.dataset.go, b.disabled]));
  return {
    narration: root.querySelector('[role=status]').textContent,
    current: [...svg.querySelectorAll('[aria-current="step"]')]
      .map((e) => e.dataset.node),
    taken: marked('taken').map((e) => e.dataset.edge),
    others: marked('others').map((e) => e.dataset.node).sort(),
    refused: marked('refused').map((e) => e.dataset.node),
    values: [...root.querySelectorAll('.chapter-stepper__fields dd > :first-child')]
      .map((e) => e.textContent),
    disabled: buttons,
    focused: document.activeElement.dataset.go || document.activeElement.tagName,
  };
}
"""


def shown(root: Locator) -> dict[str, Any]:
    result: dict[str, Any] = root.evaluate(SHOWN_JS)
    return result


def expected(step: dict[str, Any]) -> dict[str, Any]:
    """What the widget should show at ``step`` (as the build wrote it)."""
    return {
        "narration": step["narration"],
        "current": [step["node"]],
        "taken": [f"{a}->{b}" for a, b in step["edges"]],
        "others": sorted(step["others"]),
        "refused": [step["node"]] if "refused" in step else [],
        "values": step["values"],
    }


def same(now: dict[str, Any], step: dict[str, Any]) -> bool:
    wanted = expected(step)
    return {key: now[key] for key in wanted} == wanted


def tracks_of(root: Locator) -> list[dict[str, Any]]:
    tracks: list[dict[str, Any]] = json.loads(root.get_attribute("data-tracks") or "")
    return tracks


def shows_definition(page: Page, term: Locator, title: str) -> None:
    """The theme's tooltip is on screen, says ``title``, and describes ``term``."""
    tooltip = page.locator(".md-tooltip2--active")
    expect(tooltip).to_have_count(1)
    expect(tooltip).to_have_text(title)
    expect(tooltip).to_be_visible()
    described_by = term.get_attribute("aria-describedby")
    assert described_by, "the term is not described by its tooltip"
    assert tooltip.get_attribute("id") == described_by


# For every tab set that offers both Rust and Python: which label is selected,
# and whether the selected block is the one on screen.
TAB_STATE_JS = """
() => [...document.querySelectorAll('.tabbed-set')].map((set) => {
  const labels = [...set.querySelectorAll(':scope > .tabbed-labels > label')];
  const inputs = [...set.querySelectorAll(':scope > input')];
  const blocks = [...set.querySelectorAll(':scope > .tabbed-content > .tabbed-block')];
  const names = labels.map((l) => l.textContent.trim());
  const chosen = inputs.findIndex((i) => i.checked);
  const shown = blocks.findIndex((b) => b.offsetParent !== null);
  return {names, chosen: names[chosen], shown: names[shown]};
}).filter((set) => set.names.includes('Rust') && set.names.includes('Python'))
"""


# --- questions (docs/assets/quiz/) ------------------------------------------


def question(page: Page, name: str) -> Locator:
    """The question whose build id is ``name``."""
    return page.locator(f'[data-question="{name}"]')


def reach(page: Page, root: Locator) -> None:
    """Scroll to ``root``, as a reader would, and wait for quiz.js to set
    it up (the loader fetches it when a question comes near)."""
    root.scroll_into_view_if_needed()
    page.wait_for_function(
        "(root) => root.dataset.quizReady", arg=root.element_handle(), polling=POLLING
    )


def summary(page: Page) -> str:
    """The page's line on the reader's progress."""
    return str(page.locator(".chapter-quiz-summary__text").text_content())
