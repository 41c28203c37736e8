"""Both palettes: the reader's toggle, contrast, and axe-core's findings."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.pages import (
    ALL_PAGES,
    NO_TRANSITIONS,
    PALETTES,
    Opened,
    on_pages,
    palette_toggle,
    scheme,
)
from tests.browser.palettes import (
    PalettesInBackground,
    low_code_contrast,
    low_contrast,
    serious_violations,
)
from tests.browsing import SiteServer, visit


@on_pages(ALL_PAGES)
def test_readable_in_both_palettes(quiet: Opened) -> None:
    """The toggle switches palette and back, and text reads well in each.

    axe's colour rules and the screenshots in each palette come from
    :class:`PalettesInBackground`; this is the reader's own switch.
    """
    page = quiet.page
    page.add_style_tag(content=NO_TRANSITIONS)
    problems: list[str] = []
    for expected, toggle in PALETTES:
        assert scheme(page) == expected, f"{quiet.name}: palette is {scheme(page)}"
        problems += [f"{expected}: low contrast {c}" for c in low_contrast(page)]
        palette_toggle(page, toggle).click()
    assert scheme(page) == "default", f"{quiet.name}: toggle did not switch back"
    assert not problems, f"{quiet.name}:\n" + "\n".join(problems)


def test_axe_reports_what_it_should(browser: Browser, server: SiteServer) -> None:
    """The accessibility check can fail: a page with known faults fails it."""
    with visit(browser, server) as v:
        v.page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main>'
            '<img src="data:,"><button></button>'
            '<pre><code><span class="k" style="color: #bbb">fn</span>'
            '<span class="n" style="color: #333">main</span></code></pre>'
            "</main></body></html>"
        )
        found = " ".join(serious_violations(v.page))
        code = low_code_contrast(v.page)
    assert "image-alt" in found and "button-name" in found, found
    # Code is left to low_code_contrast, which finds the pale keyword only.
    assert [line.split(":")[0] for line in code] == ['code SPAN.k "fn"'], code


# Moved to the end of the run by the package's conftest, so the main
# thread's checks run while axe works in the background.
@pytest.mark.parametrize("palette", [palette for palette, _ in PALETTES])
@pytest.mark.parametrize("name", ALL_PAGES)
def test_axe_finds_nothing_serious(
    name: str, palette: str, palettes: PalettesInBackground
) -> None:
    """axe-core: no serious or critical violation, in either palette."""
    findings = palettes.findings(name, palette)
    assert not findings, f"{name} ({palette}):\n" + "\n".join(findings)
