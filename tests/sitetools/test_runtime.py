"""The Run button's copy of pyodide names nothing outside the site."""

from __future__ import annotations

import pytest

from sitetools import runtime
from sitetools.runtime import LoaderChanged, without_cdn

FALLBACK = (
    b"e.cdnUrl=k(e.packageBaseUrl??`https://cdn.jsdelivr.net/pyodide/v${U}/full/`)"
)


def test_the_loaders_cdn_fallback_becomes_its_own_folder() -> None:
    assert without_cdn(b"a;" + FALLBACK + b";b") == (
        b'a;e.cdnUrl=k(e.packageBaseUrl??"./");b'
    )


@pytest.mark.parametrize(
    "loader",
    [b"no fallback at all", FALLBACK + b";fetch('https://example.org/x')"],
)
def test_a_loader_that_changed_is_refused(loader: bytes) -> None:
    with pytest.raises(LoaderChanged, match="Update CDN_FALLBACK"):
        without_cdn(loader)


@pytest.mark.skipif(
    runtime.missing_reason() is not None, reason=str(runtime.missing_reason())
)
def test_the_installed_loader_has_its_fallback_once() -> None:
    loader = (runtime.PYODIDE / runtime.LOADER).read_bytes()
    assert len(runtime.CDN_FALLBACK.findall(loader)) == 1
    assert b"https://" not in without_cdn(loader)
