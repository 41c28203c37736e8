"""Sphinx roles in docstrings become links in the API reference."""

from __future__ import annotations

import griffe

from sitetools.griffe_roles import rewrite, unresolved
from tests.support.sitebuild import ROOT


def load() -> griffe.Module:
    package = griffe.load("chapter2", search_paths=[str(ROOT)])
    assert isinstance(package, griffe.Module)
    return package


def test_every_role_in_the_package_names_an_object_that_exists() -> None:
    assert unresolved(load()) == []


def test_roles_become_links_shown_the_way_sphinx_shows_them() -> None:
    package = load()
    executor = package["executor"]
    text = rewrite(
        ":class:`~chapter2.task.Waker`, :meth:`Executor.run`, "
        ":mod:`the channel <chapter2.oneshot>`",
        executor,
        package,
    )
    assert text == (
        '<autoref identifier="chapter2.task.Waker" optional><code>Waker</code>'
        "</autoref>, "
        '<autoref identifier="chapter2.executor.Executor.run" optional>'
        "<code>Executor.run</code></autoref>, "
        '<autoref identifier="chapter2.oneshot" optional><code>the channel</code>'
        "</autoref>"
    )


def test_an_imported_name_links_to_where_it_is_defined() -> None:
    package = load()
    text = rewrite(":class:`Executor`", package["cart"], package)
    assert 'identifier="chapter2.executor.Executor"' in text


def test_a_role_naming_nothing_stays_code_and_is_reported() -> None:
    package = load()
    assert rewrite(":class:`NoSuchThing`", package["task"], package) == (
        "`NoSuchThing`"
    )
    package["task"].docstring.value += "\n\nSee :class:`NoSuchThing`."  # type: ignore[union-attr]
    assert unresolved(package) == ["chapter2.task: :class:`NoSuchThing`"]
