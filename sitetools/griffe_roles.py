"""Griffe extension: show Sphinx-style roles in docstrings as links.

The package's docstrings cross-reference each other the way Python's own
documentation does, with roles such as :class:`~chapter2.task.Waker` or
:meth:`Executor.run`. mkdocstrings reads docstrings as Markdown, where a role
would print as literal text. This extension, listed under the Python
handler's ``extensions`` in mkdocs.yml, rewrites each role once the package is
loaded:

* a role whose target exists in the package becomes a link to its entry in the
  API reference (an autorefs ``<autoref ... optional>`` element, so an object
  that no page documents shows as plain code instead of failing the build);
* a role whose target does not exist is a docstring mistake: it is left as
  code here, and ``tests/sitetools/test_griffe_roles.py`` names it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import griffe

ROLE = re.compile(
    r":(?P<role>class|meth|func|data|attr|mod|exc|obj):"
    r"`(?:(?P<title>[^`<]+?)\s*<(?P<explicit>[\w.]+)>|(?P<tilde>~?)(?P<target>[\w.]+))`"
)


def walk(obj: griffe.Object) -> Iterator[griffe.Object]:
    """``obj`` and every object defined (not imported) inside it."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from walk(member)


def resolve(target: str, scope: griffe.Object, package: griffe.Module) -> str | None:
    """The canonical path ``target`` names, seen from ``scope``, or ``None``."""
    candidates: list[tuple[griffe.Object, str]] = []
    if target == package.name or target.startswith(package.name + "."):
        candidates.append((package, target.removeprefix(package.name).lstrip(".")))
    place: griffe.Object | None = scope
    while place is not None:
        candidates.append((place, target))
        place = place.parent
    for where, name in candidates:
        try:
            found: Any = where[name] if name else where
            return str(found.final_target.path if found.is_alias else found.path)
        except (KeyError, ValueError, griffe.AliasResolutionError):
            continue
    return None


def rewrite(text: str, scope: griffe.Object, package: griffe.Module) -> str:
    """``text`` with every role replaced by a link or, failing that, code."""

    def replace(match: re.Match[str]) -> str:
        target = match["explicit"] or match["target"]
        if match["title"]:
            shown = match["title"]
        elif match["tilde"]:
            shown = target.rsplit(".", 1)[-1]
        else:
            shown = target
        path = resolve(target, scope, package)
        if path is None:
            return f"`{shown}`"
        return (
            f'<autoref identifier="{html.escape(path)}" optional>'
            f"<code>{html.escape(shown)}</code></autoref>"
        )

    return ROLE.sub(replace, text)


def unresolved(package: griffe.Module) -> list[str]:
    """Every role in the package's docstrings whose target does not exist."""
    missing = []
    for obj in walk(package):
        if obj.docstring is None:
            continue
        for match in ROLE.finditer(obj.docstring.value):
            target = match["explicit"] or match["target"]
            if resolve(target, obj, package) is None:
                missing.append(f"{obj.path}: {match[0]}")
    return missing


class SphinxRoles(griffe.Extension):
    """Rewrite roles in every docstring of a package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        for obj in walk(pkg):
            if obj.docstring is not None:
                obj.docstring.value = rewrite(obj.docstring.value, obj, pkg)
