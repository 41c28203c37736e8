"""Questions and exercises, as a reader uses them with the keyboard.

On "What async fn compiles into", opened once for every browser test: a
wrong answer, then the right one, each with its explanation in the status;
"show me" drives the stepper to the step the build chose; the summary counts
and retries the missed question; at 375 px nothing spills out; in print the
answers show. Then the page's exercise: the starting code fails, a hint
shows, three failed tries unlock the published solution, and the solution
passes. In a reader's own visit: progress survives a reload and Material's
instant navigation, and the reset clears it (test_zensical.py answers a
question on Zensical's build). The palette test that runs after these on
the same page checks both palettes with axe, on the page as these tests
left it.

Cost, measured on a loaded 2-core machine: about 10 CPU-s beyond opening
the shared page, most of it the one start of Python for the exercises;
the visits open three pages.
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import Browser, Locator, Page

from tests.browser.pages import (
    DESKTOP,
    NAV_PAGES,
    PHONE,
    POLLING,
    Held,
    Opened,
    on_pages,
)
from tests.browser.widgets import question, reach, summary
from tests.support.browsing import SiteServer, page_url, visit
from tests.support.python_snapshot import seed
from tests.support.sitebuild import needs_runtime

PAGE = "async-fn.md"
QUESTION = "async-fn-poll-two"
RUN_TIMEOUT = 120_000  # ms: Python's first start on a busy machine
FINISHED = "(root) => root.dataset.state === 'done'"


@on_pages(NAV_PAGES)
def test_nothing_of_the_quiz_loads_before_a_question_is_near(opened: Opened) -> None:
    """The first screen of every page: no quiz.js or quiz.css (the
    questions are further down, and most pages have none), and no Python."""
    loaded = [
        r.url for r in opened.load_requests if r.url.endswith(("/quiz.js", "/quiz.css"))
    ]
    assert not loaded, f"{opened.name} loaded {loaded} on its first screen"
    python = [r.url for r in opened.load_requests if "/assets/run/python" in r.url]
    assert not python, f"{opened.name} loaded Python before any Check: {python}"


def answer_with_keys(page: Page, root: Locator, choice: int) -> str:
    """Choose option ``choice`` with the arrow keys, Check with Enter; the
    status then."""
    radios = root.locator("input[type=radio]")
    radios.first.focus()
    page.keyboard.press("Space")  # selects the focused radio
    for _ in range(choice):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # the Check button follows the options
    assert page.evaluate("document.activeElement.textContent") == "Check"
    page.keyboard.press("Enter")
    return str(root.locator("[role=status]").text_content())


@on_pages([PAGE])
def test_wrong_then_right_with_explanations_and_show_me(quiet: Opened) -> None:
    page = quiet.page
    root = question(page, QUESTION)
    reach(page, root)
    # Styled once near (quiz.css came before quiz.js), and the empty status
    # is displayed, so screen readers track it as a live region.
    styled = "!!document.querySelector('link[href$=\"quiz/quiz.css\"]')"
    assert page.evaluate(styled)
    status = root.locator("[role=status]")
    shown = "(status) => getComputedStyle(status).display"
    assert status.evaluate(shown) != "none"
    right = int(str(root.get_attribute("data-answer")))
    count = root.locator("input[type=radio]").count()
    wrong = (right + 1) % count
    why_wrong = root.locator(f'details [data-why="{wrong}"]').text_content() or ""
    said = answer_with_keys(page, root, wrong)
    assert said.startswith("Not quite.") and why_wrong.strip() in said, said
    assert "0 of" in summary(page)
    said = answer_with_keys(page, root, right)
    why_right = root.locator(f'details [data-why="{right}"]').text_content() or ""
    assert said.startswith("Right.") and why_right.strip() in said, said
    assert re.search(
        r"This page: 1 of \d+ questions answered right \(0 at", summary(page)
    )

    link = root.locator("a[data-show]")
    name, track, step = str(link.get_attribute("data-show")).split()
    stepper = page.locator(f'[data-stepper="{name}"]')
    tracks = json.loads(str(stepper.get_attribute("data-tracks")))
    expected = tracks[int(track)]["steps"][int(step)]["narration"]
    root.locator(".chapter-quiz__show-me").click()
    assert stepper.locator("[role=status]").text_content() == expected
    focused = page.evaluate("document.activeElement.dataset.go")
    assert focused in {"next", "prev"}, focused
    if stepper.locator("select").count():
        assert stepper.locator("select").input_value() == track

    page.get_by_role("button", name="Retry the missed questions").click()
    assert root.locator("input:checked").count() == 0
    assert root.locator("[role=status]").text_content() == ""
    assert "This page: 0 of" in summary(page)


@on_pages([PAGE])
def test_a_phone_reader_and_a_printed_page(quiet: Opened) -> None:
    page = quiet.page
    with_overflow = """
        () => [...document.querySelectorAll('.chapter-quiz, .chapter-exercise')]
          .filter((root) => root.scrollWidth > root.clientWidth + 1)
          .map((root) => root.id)
    """
    page.set_viewport_size(PHONE)
    try:
        root = question(page, "async-fn-already-there")
        reach(page, root)
        assert page.evaluate(with_overflow) == []
        root.locator("input[type=radio]").first.check()
        root.get_by_role("button", name="Check").click()
        assert root.locator("[role=status]").text_content()
    finally:
        page.set_viewport_size(DESKTOP)
    page.emulate_media(media="print")
    try:
        answer = question(page, QUESTION).locator("details p").first
        assert answer.is_visible(), "the answer does not print"
        assert not page.locator(".chapter-quiz button").first.is_visible()
    finally:
        page.emulate_media(media="screen")


def exercise(page: Page, name: str) -> Locator:
    return page.locator(f'[data-exercise="{name}"]')


def check(page: Page, root: Locator, code: str) -> str:
    root.locator("textarea").fill(code)
    root.get_by_role("button", name="Check").click()
    page.wait_for_function(
        FINISHED, arg=root.element_handle(), timeout=RUN_TIMEOUT, polling=POLLING
    )
    return str(root.locator(".chapter-exercise__verdict").text_content())


def code_of(root: Locator, part: str) -> str:
    return str(root.locator(f".chapter-exercise__{part} code").text_content())


# The exercise's checks run in the page's Python: without npm there is none.
@needs_runtime
@on_pages([PAGE])
def test_an_exercise_fails_hints_passes_and_unlocks(
    quiet: Opened, browser: Browser
) -> None:
    """Python starts from a saved snapshot, as for a reader who has run an
    example before: test_run checks the start from nothing, and this one
    would cost about 2 CPU-s more.

    First, code that never ends: Stop ends it (there was no Stop: the check
    ran its 20 s out and held up every Run on the page), and the next Check
    starts a fresh Python. Text typed while a Check runs stays stored (the
    verdict stored the code of the moment Check was pressed, tried). At the
    end, what the passing code printed is shown (it was not, tried)."""
    page = quiet.page
    seed(quiet.visit, browser)
    root = exercise(page, "fix-the-receiver")
    reach(page, root)
    stop = root.get_by_role("button", name="Stop")
    assert not stop.is_visible()
    # Stop before the checks' files have come: nothing runs (the Check ran
    # anyway once they came, tried).
    checks = Held(page, "**/assets/quiz/checks/*")
    root.get_by_role("button", name="Check").click()
    checks.asked(page, "the Check's checks file")
    stop.click()
    checks.release()
    page.wait_for_function(
        FINISHED, arg=root.element_handle(), timeout=RUN_TIMEOUT, polling=POLLING
    )
    said = str(root.locator(".chapter-exercise__verdict").text_content())
    assert said == "Stopped. Check runs the checks again.", said
    root.locator("textarea").fill("while True:\n    pass\n")
    root.get_by_role("button", name="Check").click()
    page.wait_for_function(
        "(root) => root.dataset.state === 'running'",
        arg=root.element_handle(),
        timeout=RUN_TIMEOUT,
        polling=POLLING,
    )
    root.locator("textarea").press("End")
    root.locator("textarea").type("# typed while it ran\n")
    stop.click()
    page.wait_for_function(
        FINISHED, arg=root.element_handle(), timeout=RUN_TIMEOUT, polling=POLLING
    )
    said = str(root.locator(".chapter-exercise__verdict").text_content())
    assert said == "Stopped. Check runs the checks again.", said
    assert not stop.is_visible()
    kept = json.loads(page.evaluate("localStorage.getItem('chapter2-quiz')"))
    [record] = [r for r in kept["x"].values() if "typed while it ran" in r["code"]]
    assert record["tries"] == 0, record
    solution = root.locator(".chapter-exercise__solution")
    assert not solution.is_visible()
    said = check(page, root, code_of(root, "start"))
    assert re.match(r"\d of 4 checks pass\. A hint may help\.", said), said
    assert "stalled" in str(root.locator(".chapter-exercise__results").text_content())
    assert not solution.is_visible()
    root.get_by_role("button", name=re.compile("Show a hint")).click()
    assert root.locator("[data-hint='0']").is_visible()
    assert not root.locator("[data-hint='1']").is_visible()
    # Three failed tries unlock the solution, before any pass.
    for tries in range(2, 4):
        assert not solution.is_visible(), f"unlocked after {tries - 1} tries"
        said = check(page, root, code_of(root, "start"))
    assert "A solution is below" in said, said
    assert solution.is_visible()
    said = check(page, root, code_of(root, "solution") + "print('checked it')\n")
    assert said.startswith("All 4 checks pass"), said
    assert solution.is_visible()
    printed = root.locator(".chapter-exercise__output").inner_text()
    assert printed.split("What your code printed:")[1].strip() == "checked it"
    assert "Exercises passed: 1 of" in summary(page)


def follow_nav_to(page: Page, server: SiteServer, name: str) -> None:
    """Click the page's entry in the navigation: an instant navigation."""
    target = server.root + page_url(name)
    before = page.locator("article.md-content__inner").element_handle()
    page.evaluate(
        "(href) => [...document.querySelectorAll('nav.md-nav--primary a')]"
        ".find((a) => a.href === href).click()",
        target,
    )
    page.wait_for_function("(href) => location.href === href", arg=target)
    # Material swaps the article for the new page's: wait until it has.
    page.wait_for_function("(old) => !old.isConnected", arg=before)


def stored(page: Page) -> dict[str, dict[str, object]]:
    text = page.evaluate("localStorage.getItem('chapter2-quiz')")
    return json.loads(text) if text else {}


def test_progress_survives_reload_and_navigation_and_reset_clears_it(
    server: SiteServer, browser: Browser
) -> None:
    with visit(browser, server, viewport=DESKTOP) as v:
        page = v.page
        v.goto(page_url("index.md"))
        first = page.locator("[data-question]").first
        reach(page, first)
        right = int(str(first.get_attribute("data-answer")))
        first.locator(f'input[value="{right}"]').check()
        first.get_by_role("button", name="Check").click()
        key = str(first.get_attribute("data-key"))
        assert stored(page)["q"][key] == {"first": True, "right": True, "choice": right}

        page.reload()
        reach(page, first)
        assert first.locator(f'input[value="{right}"]').is_checked()
        assert str(first.locator("[role=status]").text_content()).startswith("Right.")
        assert "The chapter: 1 of" in summary(page)

        page.evaluate("window.sameDocument = true")
        follow_nav_to(page, server, PAGE)
        root = question(page, QUESTION)
        reach(page, root)
        assert page.evaluate("window.sameDocument"), "the page was reloaded"
        assert "The chapter: 1 of" in summary(page)
        root.locator(f'input[value="{root.get_attribute("data-answer")}"]').check()
        root.get_by_role("button", name="Check").click()
        assert "The chapter: 2 of" in summary(page)

        follow_nav_to(page, server, "index.md")
        reach(page, first)
        assert page.evaluate("window.sameDocument"), "the page was reloaded"
        assert first.locator(f'input[value="{right}"]').is_checked()
        assert "The chapter: 2 of" in summary(page)

        page.get_by_role("button", name="Forget all my answers").click()
        assert stored(page) == {}
        assert first.locator("input:checked").count() == 0
        assert "The chapter: 0 of" in summary(page)
        page.reload()
        reach(page, first)
        assert first.locator("input:checked").count() == 0
        assert not v.trouble_since(), v.trouble_since()
