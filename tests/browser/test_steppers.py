"""Steppers, as a reader drives them: buttons, keys, the live region, the
marks on the diagram, and the same after Material's instant navigation.

Each stepper's expected steps are read from the built page, whose data
tests/sitetools/test_steppers.py ties to the model; here the question is whether the
widget shows them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page

from sitetools.steppers import cart as cart_story
from tests.browser.pages import DESKTOP, Opened, at_width, on_pages
from tests.browser.widgets import SHOWN_JS, same, shown, tracks_of
from tests.support.browsing import SiteServer, visit
from tests.support.sitebuild import pages_with_steppers

STEPPER_PAGES = sorted(pages_with_steppers())

# Presses Next, as a click, until it is disabled; what was shown after each.
PRESS_NEXT_JS = (
    "(root) => {\n  const shown = "
    + SHOWN_JS.strip()
    + """;
  const next = root.querySelector('button[data-go=next]');
  const seen = [];
  while (!next.disabled && seen.length < 1000) {
    next.click();
    seen.push(shown(root));
  }
  return seen;
}"""
)


def step_through(root: Locator, steps: list[dict[str, Any]], where: str) -> None:
    """Next until it is disabled, checking every step; then Previous once.

    The first press is Playwright's (a reader's click, scrolled to and
    waited for); the rest are clicks in one round trip to the page.
    """
    now = shown(root)
    assert same(now, steps[0]), f"{where}: first step shows {now}"
    assert now["disabled"]["prev"] and now["disabled"]["first"], where
    root.get_by_role("button", name="Next").click()
    seen = [shown(root), *root.evaluate(PRESS_NEXT_JS)]
    for number, now in enumerate(seen, 1):
        assert number < len(steps), f"{where}: Next is still enabled at the end"
        assert same(now, steps[number]), f"{where}, step {number}: {now}"
    assert len(seen) == len(steps) - 1, f"{where}: Next disabled after {len(seen)}"
    assert seen[-1]["disabled"]["next"], where
    root.get_by_role("button", name="Previous").click()
    back = shown(root)
    assert same(back, steps[-2]), f"{where}: Previous shows {back}"
    assert not back["disabled"]["next"], where


@on_pages(STEPPER_PAGES)
def test_next_until_disabled_reaches_the_end_and_previous_goes_back(
    quiet: Opened,
) -> None:
    """Every step of every run, as the build computed it, then one back."""
    roots = quiet.page.locator("[data-stepper]")
    assert roots.count() == len(pages_with_steppers()[quiet.name])
    for root in roots.all():
        name = root.get_attribute("data-stepper")
        assert root.locator(".chapter-stepper__bar").is_visible(), (
            f"{name} was not set up"
        )
        select = root.locator("select")
        for number, track in enumerate(tracks_of(root)):
            if select.count():
                select.select_option(str(number))
            step_through(root, track["steps"], f"{name}, {track['label']}")


# Where each run ends, in the words of the issue and the pages: Ready(70) in
# Done for cart_total, the stall's error, the ATM back at Idle, three
# clients Done at 0.1 s. (page, stepper, track, current node, words said)
ENDS = {
    "async-fn.md": [
        ("cart-total", 0, "Done", "Ready(70)"),
        ("cart-total", 3, "WaitingForSocks", "is stuck in state awaiting socks"),
    ],
    "state-machines.md": [("atm-session", 0, "Idle", "Insert your card")],
    "waiting.md": [("clients", 0, "client 2: Done", "client 2 is now Done")],
}


def start_over(root: Locator) -> None:
    """The first step of the first run, whatever earlier tests left."""
    select = root.locator("select")
    if select.count():
        select.select_option("1" if select.input_value() == "0" else "0")
        select.select_option("0")
    reset = root.get_by_role("button", name="Reset")
    if reset.is_enabled():
        reset.click()


def test_every_page_with_a_stepper_has_its_end_checked() -> None:
    assert sorted(ENDS) == STEPPER_PAGES


@on_pages(STEPPER_PAGES)
def test_the_runs_end_where_the_pages_say(quiet: Opened) -> None:
    for name, track, node, words in ENDS[quiet.name]:
        root = quiet.page.locator(f'[data-stepper="{name}"]')
        start_over(root)
        if track:
            root.locator("select").select_option(str(track))
        root.get_by_role("button", name="Next").focus()
        quiet.page.keyboard.press("End")
        now = shown(root)
        assert now["current"] == [node], (name, track, now)
        assert words in now["narration"], (name, track, now)


@on_pages(STEPPER_PAGES)
def test_keys_move_the_focused_stepper_only(quiet: Opened) -> None:
    """ArrowRight, ArrowLeft, Home and End on the widget; not on the page."""
    page = quiet.page
    root = page.locator("[data-stepper]").first
    start_over(root)
    steps = tracks_of(root)[0]["steps"]
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")  # focus outside the widget: nothing moves
    assert same(shown(root), steps[0])
    root.get_by_role("button", name="Next").focus()
    for key, index in (
        ("ArrowRight", 1),
        ("End", len(steps) - 1),
        ("ArrowLeft", len(steps) - 2),
        ("Home", 0),
    ):
        page.keyboard.press(key)
        now = shown(root)
        assert same(now, steps[index]), f"{quiet.name}: {key}"
        if key == "End":
            # Next, focused, was disabled: focus moved to Previous, not to
            # the page, so the keys still work.
            assert now["focused"] == "prev", f"{quiet.name}: {now['focused']}"


def text_of(page: Page) -> str:
    return str(page.locator("[data-stepper] [role=status]").first.text_content())


def test_steppers_work_after_instant_navigation(
    server: SiteServer, browser: Browser
) -> None:
    """From a page without a stepper to two pages with one, by the nav links,
    without reloading: the script loads on the first and sets up the second.

    Material navigates instantly only to the addresses in sitemap.xml, which
    name the published site; SiteServer sends it naming this server instead,
    as it would on the published site.
    """
    with visit(browser, server, viewport=DESKTOP) as v:
        page = v.page
        v.goto("")
        page.evaluate("window.sameDocument = true")
        for title, name in (
            ("What async fn compiles into", "cart-total"),
            ("State machines, with an ATM", "atm-session"),
        ):
            page.locator(".md-nav--primary").get_by_role("link", name=title).click()
            root = page.locator(f'[data-stepper="{name}"]')
            root.wait_for(state="visible", timeout=10_000)
            assert page.evaluate("window.sameDocument"), "the page was reloaded"
            before = text_of(page)
            root.get_by_role("button", name="Next").click()
            after = text_of(page)
            assert after != before and after.startswith(("Poll 1", "Event 1")), after
        assert not v.trouble_since(), v.trouble_since()


# A reader pressing Next at the sizes of a laptop and of a small phone.
READER_VIEWPORTS = {"1280x800": DESKTOP, "375x740": {"width": 375, "height": 740}}

# After each press of Next, then of Reset: which node is current; whether it
# and the Next button are both on screen, below Material's header and
# uncovered (what the browser would hit at their centres is inside them),
# the node also inside the box its figure scrolls in (sideways); and where
# each row of the widget is, against the part that holds it (the narration
# and buttons in the bar, which the page's scrolling moves; each field's
# name and value below it). The presses are the button's own click(), which
# scrolls nothing: whatever scrolling happens, the stepper does.
FOLLOW_JS = """
(root) => {
  const figure = document.getElementById(root.dataset.figure);
  const next = root.querySelector('button[data-go=next]');
  const reset = root.querySelector('button[data-go=first]');
  const parts = ['.chapter-stepper__bar', '.chapter-stepper__more']
    .map((selector) => root.querySelector(selector));
  const rows = [
    root.querySelector('.chapter-stepper__say'),
    ...root.querySelectorAll('.chapter-stepper__buttons button'),
    ...root.querySelectorAll('.chapter-stepper__fields > *'),
  ];
  const [width, height] = [document.documentElement.clientWidth, innerHeight];
  const problems = (element, clip) => {
    const top = document.querySelector('.md-header').getBoundingClientRect().bottom;
    const r = element.getBoundingClientRect();
    const [left, right] = [Math.max(0, clip.left), Math.min(width, clip.right)];
    const wrong = [];
    if (r.top < top - 1 || r.bottom > height + 1) wrong.push('off screen vertically');
    if (r.left < left - 1 || r.right > right + 1) wrong.push('off screen sideways');
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!wrong.length && !(hit && element.contains(hit))) wrong.push('covered');
    const at = `${Math.round(r.top)}..${Math.round(r.bottom)}`;
    return wrong.length ? `${wrong.join(', ')} at ${at}` : '';
  };
  const seen = [];
  const look = (pressed) => {
    const node = figure.querySelector('[aria-current="step"]');
    const box = figure.querySelector('.chapter-figure__scroll');
    const wrong = [
      ['the current node', problems(node, box.getBoundingClientRect())],
      ['Next', problems(next, {left: 0, right: width})],
    ].filter(([, p]) => p).map(([what, p]) => `${what} ${p}`);
    const places = rows.map((row) => {
      const origin = parts.find((part) => part.contains(row)).getBoundingClientRect();
      const r = row.getBoundingClientRect();
      return [r.top - origin.top, r.height, r.left - origin.left, r.width]
        .map(Math.round);
    });
    seen.push({pressed, step: root.dataset.step, node: node.dataset.node, wrong,
               places});
  };
  look('Next');
  while (!next.disabled && seen.length < 1000) {
    next.click();
    look('Next');
  }
  reset.click();
  look('Reset');
  return seen;
}
"""


@pytest.mark.parametrize("size", sorted(READER_VIEWPORTS))
@on_pages(STEPPER_PAGES)
def test_a_reader_can_follow_every_step(quiet: Opened, size: str) -> None:
    """issue 18: a reader can follow a run while pressing Next, on a laptop
    and on a small phone, in every run of every stepper: the current node
    and Next are in view together at every step (the figure's box scrolls
    sideways and the page up or down to the node), and no row of the widget
    moves from step to step (no text jumping under the reader's eyes or
    pointer). The first press is Playwright's (it scrolls Next into view,
    as a reader would); the rest are the button's own clicks."""
    problems = []
    with at_width(quiet.page, READER_VIEWPORTS[size]) as page:
        for root in page.locator("[data-stepper]").all():
            name = root.get_attribute("data-stepper")
            select = root.locator("select")
            for number, track in enumerate(tracks_of(root)):
                where = f"{name}, {track['label']}"
                start_over(root)
                if select.count():
                    select.select_option(str(number))
                root.get_by_role("button", name="Next").click()
                seen = root.evaluate(FOLLOW_JS)
                nodes = [step["node"] for step in track["steps"]]
                assert [s["node"] for s in seen] == [*nodes[1:], nodes[0]], where
                for now in seen:
                    if now["wrong"]:
                        problems.append(
                            f"{where}, step {now['step']} ({now['node']}, after"
                            f" {now['pressed']}): {'; '.join(now['wrong'])}"
                        )
                moved = sorted(
                    {s["step"] for s in seen if s["places"] != seen[0]["places"]}
                )
                if moved:
                    problems.append(f"{where}: rows moved at steps {moved}")
    assert not problems, f"{quiet.name} at {size}:\n" + "\n".join(problems)


# At every step, after Reset: the refusal written on the diagram, if any (its
# words, the node it is in and that node's mark), and whether it is drawn
# inside the figure's drawing, not cut off by its edges.
REFUSALS_JS = """
(root) => {
  const svg = document.getElementById(root.dataset.figure).querySelector('svg');
  const next = root.querySelector('button[data-go=next]');
  const seen = [];
  const look = () => {
    const text = svg.querySelector('.chapter-stepper__refusal');
    if (!text) return null;
    const [t, s] = [text, svg].map((e) => e.getBoundingClientRect());
    const node = text.closest('[data-node]');
    return {
      words: text.textContent,
      node: node && node.dataset.node,
      state: node && node.dataset.state,
      inside: t.left >= s.left && t.right <= s.right && t.top >= s.top
        && t.bottom <= s.bottom && t.width > 0,
    };
  };
  root.querySelector('button[data-go=first]').click();
  seen.push(look());
  while (!next.disabled && seen.length < 1000) {
    next.click();
    seen.push(look());
  }
  return seen;
}
"""


@on_pages(["state-machines.md"])
def test_a_refused_event_is_marked_on_the_diagram(quiet: Opened) -> None:
    """issue 18: a refused ATM event shows on the diagram, not only in the
    text: the state that refused it is marked "refused" and the words
    "x EVENT refused" are drawn beside it; the next step takes them away."""
    root = quiet.page.locator('[data-stepper="atm-session"]')
    steps = tracks_of(root)[0]["steps"]
    assert any("refused" in step for step in steps), "no refused event"
    drawn = root.evaluate(REFUSALS_JS)
    assert drawn == [
        {
            "words": f"\N{BALLOT X} {step['refused']} refused",
            "node": step["node"],
            "state": "refused",
            "inside": True,
        }
        if "refused" in step
        else None
        for step in steps
    ]


@on_pages(STEPPER_PAGES)
def test_the_legend_and_the_keys_are_on_the_page(quiet: Opened) -> None:
    """A legend for the marks the stepper makes, drawn by the same rules as
    the marks (a swatch for the current state looks like the current state),
    and the keys said in words."""
    for root in quiet.page.locator("[data-stepper]").all():
        # Set up, the widget is a group named by its title.
        assert root.get_attribute("role") == "group"
        assert root.get_attribute("aria-label") == root.get_attribute("data-title")
        legend = root.locator(".chapter-stepper__legend")
        assert legend.is_visible()
        assert "the state it is in now" in legend.inner_text()
        same_look = root.evaluate(
            """(root) => {
              const look = (e) => {
                const style = getComputedStyle(e);
                return [style.stroke, style.strokeWidth, style.strokeDasharray];
              };
              const swatch = root.querySelector(
                '.chapter-stepper__legend [data-state=current] > path');
              const node = document.getElementById(root.dataset.figure)
                .querySelector('[data-state=current] > path');
              return JSON.stringify(look(swatch)) === JSON.stringify(look(node));
            }"""
        )
        assert same_look, root.get_attribute("data-stepper")
        keys = root.locator(".chapter-stepper__keys")
        assert keys.is_visible()
        for key in ("→", "←", "Home", "End"):
            assert key in keys.inner_text()


@on_pages(["async-fn.md"])
def test_a_run_made_in_the_page_can_be_replayed(quiet: Opened) -> None:
    """Step your own run: the cart-total widget takes a run that the code the
    build runs (sitetools/steppers/cart.py, replay()) made with other
    prices, adds it after the page's runs, shows it, and steps it to the
    model's total. A run the figure cannot show is refused, and the widget
    stays as it was (the refusal is logged to the console), and the widget
    tells the page which it did."""
    page = quiet.page
    root = page.locator('[data-stepper="cart-total"]')
    built = len(tracks_of(root))
    replay = json.loads(cart_story.replay(prices={"socks": 20, "shoes": 58}))
    # Whether the widget took the run, as it tells the page (detail.taken).
    dispatch = (
        "(root, detail) => { root.dispatchEvent("
        "new CustomEvent('stepper:replay', {detail})); return detail.taken; }"
    )
    assert root.evaluate(dispatch, replay) is True
    select = root.locator("select")
    assert select.input_value() == str(built)
    assert select.locator("option").count() == built + 1
    steps = replay["tracks"][0]["steps"]
    assert same(shown(root), steps[0]), shown(root)
    root.get_by_role("button", name="Next").focus()
    page.keyboard.press("End")
    assert same(shown(root), steps[-1]), shown(root)
    assert "Ready(78)" in shown(root)["narration"]
    # A second replay takes the first one's place.
    assert root.evaluate(dispatch, replay) is True
    assert select.locator("option").count() == built + 1
    # A state the diagram does not have: refused, nothing changes.
    broken = json.loads(json.dumps(replay))
    broken["tracks"][0]["steps"][1]["node"] = "Nowhere"
    before = shown(root)
    # Refused, and said so, though the run shown has the same name (the page
    # took the name for the answer, and called an earlier run the reader's,
    # tried).
    assert root.evaluate(dispatch, broken) is False
    assert shown(root) == before
    trouble = quiet.visit.trouble_since(quiet.reported)
    assert len(trouble) == 1 and "no state Nowhere in the figure" in trouble[0], trouble
    quiet.reported = quiet.visit.checkpoint()
    start_over(root)
