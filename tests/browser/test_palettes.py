"""Both palettes: the reader's toggle, contrast, and axe-core's findings."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from tests.browser.pages import (
    ALL_PAGES,
    NO_TRANSITIONS,
    PALETTES,
    Opened,
    on_pages,
    palette_toggle,
    scheme,
    screenshot,
    slug,
)
from tests.browser.palettes import (
    accessibility_findings,
    low_code_contrast,
    low_contrast,
    serious_rules,
    serious_violations,
    stepper_buttons_low,
)
from tests.support.browsing import SiteServer, visit

# The looks axe's colour rules have judged, in each palette, on the pages
# tested so far in this process (accessibility_findings): a later page has
# only its new looks judged. Four pages of fifteen have none, and most a few.
JUDGED: dict[str, dict[str, bool]] = {palette: {} for palette, _ in PALETTES}


@on_pages(ALL_PAGES)
def test_readable_and_accessible_in_both_palettes(
    quiet: Opened, screenshots: Path | None
) -> None:
    """The toggle switches palette and back; in each palette the text reads
    well and axe-core finds nothing serious or critical.

    The package's conftest runs this after every other test on the page, so
    axe sees the page as those left it: tabs switched, steppers stepped, a
    button focused. The dark palette is the same HTML in other colours
    (Material's slate scheme sets colour variables only), so there only
    axe's colour rules can find what the light run did not. axe checks a
    button in one state and skips disabled ones: ``stepper_buttons_low``
    checks the stepper's buttons in every state.
    """
    page = quiet.page
    page.add_style_tag(content=NO_TRANSITIONS)
    # The pointer leaves whatever it last clicked: a button it rests on has
    # lent its title to a tooltip (content.tooltips), and is nameless then.
    page.mouse.move(0, 0)
    # A focused button takes other colours: axe checks one (a stepper's).
    page.evaluate(
        "document.querySelector('[data-stepper] button:not(:disabled)')?.focus()"
    )
    problems: list[str] = []
    for number, (expected, toggle) in enumerate(PALETTES):
        assert scheme(page) == expected, f"{quiet.name}: palette is {scheme(page)}"
        problems += [f"{expected}: low contrast {c}" for c in low_contrast(page)]
        findings = accessibility_findings(
            page, colours_only=number > 0, judged=JUDGED[expected]
        )
        findings += low_code_contrast(page)
        problems += [f"{expected}: {finding}" for finding in findings]
        # After axe, which sees the stepper as the other tests left it.
        low = stepper_buttons_low(page)
        problems += [f"{expected}: low contrast stepper button {c}" for c in low]
        if screenshots is not None:
            shot = screenshots / f"{slug(quiet.name)}-{expected}.jpg"
            screenshot(page, shot, whole=not quiet.name.startswith("reference/"))
        palette_toggle(page, toggle).click()
    assert scheme(page) == "default", f"{quiet.name}: toggle did not switch back"
    assert not problems, f"{quiet.name}:\n" + "\n".join(problems)


def test_axe_reports_what_it_should(browser: Browser, server: SiteServer) -> None:
    """The accessibility check can fail: a page with known faults fails it."""
    with visit(browser, server) as v:
        v.page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main>'
            '<img src="data:,"><p id="one"><button></button></p>'
            # Many paragraphs alike, one of them pale, and a link told from
            # the text around it by a colour too close to it: axe's colour
            # rules see one element of each look, and must find both.
            + "<p>Dark enough.</p>"
            * 30
            # Text whose only element lies under a fixed header: axe can
            # only say "incomplete", so the look is judged again uncovered.
            + '<div id="header" style="position: fixed; top: 0; left: 0; right: 0;'
            ' height: 4em; z-index: 1; background: #fff">Header</div>'
            + '<p style="position: absolute; top: 0; color: #555">Under it.</p>'
            # A pale one-character text first: for it axe can only say
            # "incomplete", which must not stand for the longer text.
            + '<p style="color: #bbb">7</p>'
            + '<p style="color: #bbb">Too pale.</p>'
            + "<p>Text with <a href='#x' style='color: #1a0dab;"
            " text-decoration: none'>a link</a> told apart by colour alone.</p>"
            '<pre><code><span class="k" style="color: #bbb">fn</span>'
            '<span class="n" style="color: #333">main</span></code></pre>'
            "</main></body></html>"
        )
        found = " ".join(serious_violations(v.page))
        within = " ".join(serious_violations(v.page, within="#one"))
        colours = " ".join(accessibility_findings(v.page, colours_only=True))
        everything = " ".join(accessibility_findings(v.page, colours_only=False))
        code = low_code_contrast(v.page)
        rules = serious_rules(v.page)
        # Looks judged on an earlier page are not judged again; new ones are.
        judged: dict[str, bool] = {}
        first = accessibility_findings(v.page, colours_only=True, judged=judged)
        again = accessibility_findings(v.page, colours_only=True, judged=judged)
        under = [look for look in judged if look.startswith("rgb(85, 85, 85)/")]
        covered_first = [judged[look] for look in under]
        v.page.evaluate("document.getElementById('one').style.color = '#ccc'")
        v.page.evaluate("document.getElementById('one').textContent = 'Pale too.'")
        v.page.evaluate("document.getElementById('header').remove()")
        new_look = accessibility_findings(v.page, colours_only=True, judged=judged)
    assert " ".join(first) == colours and judged and not again, (first, again)
    # The covered text was judged covered, then again once uncovered.
    assert covered_first == [False] and [judged[look] for look in under] == [True]
    assert "color-contrast" in " ".join(new_look), new_look
    assert "image-alt" in found and "button-name" in found, found
    # The full run leaves out only what could not be serious: rules whose
    # impact is moderate or minor, such as region; whole-page rules stay.
    assert {"image-alt", "button-name", "document-title", "html-has-lang"} <= set(
        rules
    ), rules
    assert not {"region", "heading-order", "color-contrast"} & set(rules), rules
    for rule in ("color-contrast", "link-in-text-block"):
        assert rule in colours and rule in everything, (rule, colours, everything)
    assert "image-alt" in everything and "image-alt" not in colours, colours
    # Asked about one part of the page, axe looks there and nowhere else.
    assert "button-name" in within and "image-alt" not in within, within
    # Code is left to low_code_contrast, which finds the pale keyword only.
    assert [line.split(":")[0] for line in code] == ['code SPAN.k "fn"'], code
