"""Griffe extension: a method that overrides one without a docstring of its
own shows the docstring of the method it overrides.

``VirtualClock.block`` implements ``Clock.block`` and documents nothing
itself: the contract is written once, on the abstract method. mkdocstrings
hides members without docstrings, so the VirtualClock entry that the pages
link to showed neither ``block`` nor ``work``. Listed under the Python
handler's ``extensions`` in mkdocs.yml, after the roles extension, so the
copied text already has its links; ``inherited_members`` on the clocks'
reference page then shows ``sleep``, ``now`` and the rest that VirtualClock
takes from Clock unchanged.
"""

from __future__ import annotations

from typing import Any

import griffe

from sitetools.griffe_roles import walk


def inherit_docstrings(package: griffe.Module) -> list[str]:
    """Give each undocumented override the docstring of the nearest method
    it overrides; the paths of the methods that got one."""
    filled = []
    for cls in walk(package):
        if not isinstance(cls, griffe.Class):
            continue
        for name, member in cls.members.items():
            if isinstance(member, griffe.Alias) or member.docstring is not None:
                continue
            for base in cls.mro():
                found = base.members.get(name)
                if found is not None and not found.is_alias and found.docstring:
                    member.docstring = griffe.Docstring(
                        found.docstring.value, parent=member
                    )
                    filled.append(str(member.path))
                    break
    return filled


class InheritedDocstrings(griffe.Extension):
    """Fill undocumented overrides once the package is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        inherit_docstrings(pkg)
