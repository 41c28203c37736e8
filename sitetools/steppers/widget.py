"""The stepper widget's HTML: its figure, controls, legend and data.

One element holds the figure the stepper marks and, hidden until
``docs/assets/stepper/stepper.js`` sets them up (they do nothing without
it), the controls: a bar with the buttons and the narration, which stays on
screen while the figure does, and below it a legend for the marks, the
fields and the keys. A reader without JavaScript gets the figure, and the
page's trace tables. The steps travel in ``data-tracks``, never in a script
element (see ``docs/assets/stepper/stepper.js``).
"""

from __future__ import annotations

import html
import json

from sitetools import figures
from sitetools.steppers.step import Stepper

# Each mark a step can put on the diagram, as the legend draws and names it.
# The swatches carry the same data-state the marks do, so one set of rules
# in stepper.css draws both.
LEGEND = {
    "current": ("node", "current", "the state it is in now"),
    "others": ("node", "others", "where the other tasks are"),
    "taken": ("edge", "taken", "the arrows just taken"),
    "refused": ("node", "refused", "an event refused: nothing moved"),
}
SWATCH = {
    "node": '<g class="node" data-state="{state}"><path fill="none"'
    ' stroke="currentColor" d="M2,3H34V17H2Z"/></g>',
    "edge": '<g class="edge" data-state="{state}"><path fill="none"'
    ' stroke="currentColor" d="M2,10H28"/><polygon fill="currentColor"'
    ' stroke="currentColor" points="28,6 35,10 28,14"/></g>',
}
KEYS = (
    "Keys, while a button of the stepper has focus: <kbd>→</kbd> next step,"
    " <kbd>←</kbd> previous step, <kbd>Home</kbd> first step,"
    " <kbd>End</kbd> last step."
)


def data_attribute(value: object) -> str:
    """JSON for a ``data-*`` attribute in single quotes, escaped for HTML.

    Single quotes, because JSON is full of double ones: each would cost six
    bytes as ``&quot;``.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "'" + escaped.replace("'", "&#39;") + "'"


def legend(stepper: Stepper) -> str:
    items = []
    for kind in stepper.marks():
        shape, state, words = LEGEND[kind]
        swatch = SWATCH[shape].format(state=state)
        items.append(
            f'<li><svg class="chapter-svg" viewBox="0 0 37 20" width="37"'
            f' height="20" aria-hidden="true">{swatch}</svg> {words}</li>'
        )
    return (
        '<ul class="chapter-stepper__legend" aria-label="Marks on the diagram">'
        + "".join(items)
        + "</ul>"
    )


def as_html(stepper: Stepper) -> str:
    """The widget, figure included. It names no script:
    ``assets/stepper/loader.js``, on every page, loads ``stepper.js`` where a
    widget is.
    """
    figure = figures.as_html(figures.render(stepper.figure))
    choose = ""
    if len(stepper.tracks) > 1:
        options = "".join(
            f'<option value="{number}">{html.escape(track.label)}</option>'
            for number, track in enumerate(stepper.tracks)
        )
        choose = (
            '<label class="chapter-stepper__track">Scenario '
            f"<select data-stepper-track>{options}</select></label>\n"
        )
    buttons = "\n".join(
        f'<button type="button" class="md-button{extra}" data-go="{go}"'
        f' aria-keyshortcuts="{keys}">{label}</button>'
        for go, label, keys, extra in (
            ("first", "Reset", "Home", ""),
            ("prev", "Previous", "ArrowLeft", ""),
            ("next", "Next", "ArrowRight", " md-button--primary"),
        )
    )
    first = stepper.tracks[0].steps[0].narration
    return "\n".join(
        (
            # A group named by its title once the script has set up its
            # controls; until then it is a figure like any other.
            f'<div class="chapter-stepper" data-title="{html.escape(stepper.title)}"'
            f' data-stepper="{stepper.name}" data-figure="figure-{stepper.figure}"'
            f" data-tracks={data_attribute(stepper.data())}>",
            figure,
            '<div class="chapter-stepper__bar" hidden>',
            choose + f'<div class="chapter-stepper__buttons">\n{buttons}\n</div>',
            # The first step's words are there from the start, so setting up
            # the widget changes nothing the live region would announce.
            '<div class="chapter-stepper__say"><p class="chapter-stepper__status"'
            f' role="status">{html.escape(first)}</p></div>',
            "</div>",
            # Out of the search index: a legend and a list of keys make poor
            # previews of a hit. (No div inside: searches skip a marked
            # element only until the first closing tag of its name.)
            '<div class="chapter-stepper__more" data-search-exclude="true" hidden>',
            legend(stepper),
            '<dl class="chapter-stepper__fields"></dl>',
            f'<p class="chapter-stepper__keys">{KEYS}</p>',
            "</div>",
            "</div>",
        )
    )
