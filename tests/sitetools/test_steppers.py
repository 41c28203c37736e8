"""Steppers: computed from the model, ending where the pages say, and built
into the pages exactly as the model computes them now."""

from __future__ import annotations

import ast
import html
import json
import re

import markdown
import pytest

from chapter2 import cart
from chapter2.atm import DEMO_EVENTS
from sitetools import steppers
from sitetools.figures import render
from sitetools.steppers import cart as cart_story
from sitetools.steppers import clients as clients_story
from tests.support.pyodide_check import trace_session
from tests.support.sitebuild import (
    ROOT,
    BuildResult,
    html_path,
    loaded_by,
    pages_with_steppers,
)

DOCS = ROOT / "docs"
WIDGET = re.compile(r'<div class="chapter-stepper"[^>]*>')


def widgets(page_html: str) -> dict[str, dict[str, str]]:
    """Every stepper widget on a built page: its data-* attributes, by name."""
    found = {}
    for tag in WIDGET.findall(page_html):
        attributes = {
            name: html.unescape(double or single)
            for name, double, single in re.findall(
                r"\b(data-[\w-]+)=(?:\"([^\"]*)\"|'([^']*)')", tag
            )
        }
        found[attributes["data-stepper"]] = attributes
    return found


def last(name: str, track: int = 0) -> steppers.Step:
    return steppers.build(name).tracks[track].steps[-1]


def fields(step: steppers.Step) -> dict[str, str]:
    return dict(step.fields)


# --- where each run ends -----------------------------------------------------


def test_cart_total_ends_ready_70_in_done_in_every_scenario() -> None:
    stepper = steppers.build("cart-total")
    normal = [t for t in stepper.tracks if "stall" not in t.label]
    assert len(normal) == len(cart.SCENARIOS)
    for track in normal:
        end = track.steps[-1]
        assert end.node == "Done", track.label
        assert fields(end)["poll returned"] == "Ready(70)", track.label
        assert fields(end)[cart_story.STATE_MACHINE] == "Done()"


def test_cart_total_one_by_one_polls_three_times() -> None:
    track = steppers.build("cart-total").tracks[0]
    assert track.label.startswith("one-by-one")
    titles = [step.title for step in track.steps]
    assert titles == ["Before poll 1", "Poll 1 of 3", "Poll 2 of 3", "Poll 3 of 3"]
    assert [step.node for step in track.steps] == [
        "Start",
        "WaitingForSocks",
        "WaitingForShoes",
        "Done",
    ]
    assert track.steps[2].edges == (
        ("WaitingForSocks", "WaitingForShoes"),
        ("WaitingForShoes", "WaitingForShoes"),
    )
    assert "socks sender woke cart_total" in track.steps[2].event


def test_the_socks_receiver_leaves_the_state_when_its_price_arrives() -> None:
    """C11, seen step by step: the state-machine version drops the receiver,
    the coroutine's frame keeps every local."""
    track = steppers.build("cart-total").tracks[0]
    waiting_for_socks, waiting_for_shoes = track.steps[1], track.steps[2]
    assert fields(waiting_for_socks)[cart_story.STATE_MACHINE] == (
        "WaitingForSocks(socks=Receiver('socks'), shoes=Receiver('shoes'))"
    )
    assert fields(waiting_for_shoes)[cart_story.STATE_MACHINE] == (
        "WaitingForShoes(socks_price=12, shoes=Receiver('shoes'))"
    )
    assert fields(waiting_for_shoes)[cart_story.ASYNC_FN] == (
        "socks=Receiver('socks'), shoes=Receiver('shoes'), socks_price=12"
    )


def test_the_stall_ends_with_the_error_naming_task_and_state() -> None:
    stepper = steppers.build("cart-total")
    stall = next(t for t in stepper.tracks if "stall" in t.label)
    end = stall.steps[-1]
    assert end.title == "Stalled"
    assert end.node == "WaitingForSocks"
    error = fields(end)["error"]
    assert error.startswith("Stalled: executor stalled")
    assert "task 'cart_total' is stuck in state awaiting socks" in error
    # The socks receiver, awaited, lost the wake; the shoes price only waits.
    assert "socks price (12) arrived, but when the task awaited it, no waker" in (
        end.event
    )
    assert "The shoes price (58) arrived and waits in its channel" in end.event


def test_an_early_price_is_not_told_like_a_lost_wake() -> None:
    """In the other order the shoes price comes before anyone polled its
    receiver: it waits in the channel, which is not the stall's bug."""
    stepper = steppers.build("cart-total")
    other = next(t for t in stepper.tracks if t.label.startswith("other-order"))
    events = " ".join(step.event for step in other.steps)
    assert "The shoes price (58) arrived and waits in its channel" in events
    assert "no waker was stored" not in events


def test_three_clients_end_done_at_a_tenth_of_a_second() -> None:
    end = last("clients")
    shown = fields(end)
    assert shown["clock"] == "0.1 s"
    assert [shown[f"client {n}"] for n in range(3)] == ["Done"] * 3
    assert shown["run queue"] == "empty"
    assert end.title == "Poll 6 of 6"
    wake = steppers.build("clients").tracks[0].steps[4]
    assert "the clock jumped to 0.1 s" in wake.event
    assert "woke client 0, client 1, client 2" in wake.event


def test_the_atm_session_ends_idle_card_returned_cash_out() -> None:
    stepper = steppers.build("atm-session")
    steps = stepper.tracks[0].steps
    assert len(steps) == len(DEMO_EVENTS) + 1
    end = fields(steps[-1])
    assert steps[-1].node == "Idle"
    assert end["state"] == "Idle()"
    assert end["cards returned"] == "Card(account='alice')"
    assert end["cash paid out"] == "60"
    refused = [s for s in steps if s.outcome.startswith("Refused")]
    assert [s.event for s in refused] == ["Digit(5) arrives.", "Cancel arrives."]
    assert all(not s.edges for s in refused)
    # The diagram marks each refusal on the state that refused it.
    assert [(s.node, s.refused) for s in refused] == [
        ("Authenticated", "Digit(5)"),
        ("Dispensing", "Cancel"),
    ]
    assert not any(s.refused for s in steps if s not in refused)


def test_every_node_and_arrow_a_step_marks_is_in_its_figure() -> None:
    for name in steppers.STEPPERS:
        stepper = steppers.build(name)
        svg = render(stepper.figure).svg
        nodes = set(re.findall(r'data-node="([^"]*)"', svg))
        edges = {html.unescape(e) for e in re.findall(r'data-edge="([^"]*)"', svg)}
        for track in stepper.tracks:
            for step in track.steps:
                assert {step.node, *step.other_tasks} <= nodes, (name, step.title)
                for source, target in step.edges:
                    assert f"{source}->{target}" in edges, (name, step.title)


# --- computed from the model, now --------------------------------------------


def test_a_price_change_in_the_model_changes_the_stepper(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = steppers.build("cart-total").data()
    monkeypatch.setitem(cart.PRICES, "socks", 13)
    after = steppers.build("cart-total").data()
    assert after != before
    assert "Ready(71)" in json.dumps(after) and "Ready(70)" not in json.dumps(after)


def test_the_page_shows_the_prices_the_stepper_runs_with() -> None:
    """async-fn.md's first trace passes its prices for the reader to edit;
    they are the model's, whose run the stepper above it replays."""
    session = trace_session().source
    [line] = [line for line in session.splitlines() if line.startswith(">>> prices =")]
    assert ast.literal_eval(line.removeprefix(">>> prices =").strip()) == cart.PRICES


def test_the_versions_must_agree_for_one_diagram_to_follow_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def faster(socks: object, shoes: object) -> object:
        async def total() -> int:
            return 70

        return total()

    monkeypatch.setitem(cart.VERSIONS, "async-fn", faster)
    with pytest.raises(steppers.StepperError, match="traces differ"):
        steppers.build("cart-total")


def test_an_unknown_stepper_names_the_known_ones() -> None:
    with pytest.raises(steppers.StepperError, match=r"unknown stepper 'nope'.*atm"):
        steppers.build("nope")


@pytest.mark.parametrize("name", sorted(steppers.STEPPERS))
def test_every_stepper_is_on_a_page(name: str) -> None:
    on_pages = [n for names in pages_with_steppers().values() for n in names]
    assert name in on_pages, f"stepper {name} is registered but no page shows it"


@pytest.mark.parametrize("page", sorted(pages_with_steppers()))
def test_built_page_carries_the_steps_the_model_computes_now(
    page: str, built_site: BuildResult
) -> None:
    built = html_path(built_site.site, page).read_text(encoding="utf-8")
    found = widgets(built)
    assert sorted(found) == sorted(pages_with_steppers()[page])
    for name, attributes in found.items():
        stepper = steppers.build(name)
        assert json.loads(attributes["data-tracks"]) == stepper.data(), name
        # The figure it marks is on the same page.
        assert f'id="{attributes["data-figure"]}"' in built, name


COMPONENT = DOCS / "assets" / "stepper"


def test_every_page_has_the_loader_and_none_names_the_component(
    built_site: BuildResult,
) -> None:
    """stepper/loader.js (extra_javascript) is on every page; it loads
    stepper.css and stepper.js, from beside itself, only on a page with a
    widget (tests/browser/test_loading.py watches the requests). No page
    names them itself: an address written into a page's HTML is rewritten
    differently by each builder, and one from site_url's path
    (/chapter2/assets/stepper.js) missed on a fork deployed elsewhere
    (tests/pages/test_site.py checks every address a page loads for that)."""
    for page in built_site.site.rglob("*.html"):
        loads = loaded_by(page.read_text(encoding="utf-8"))
        assert any(url.endswith("assets/stepper/loader.js") for url in loads), page
        assert not any(url.endswith(("/stepper.js", "/stepper.css")) for url in loads)
    loader = (COMPONENT / "loader.js").read_text(encoding="utf-8")
    for name in ("stepper.js", "stepper.css"):
        assert f'new URL("{name}", here)' in loader
        assert (built_site.site / "assets" / "stepper" / name).is_file()


def test_the_component_is_one_folder() -> None:
    """issue 21: the stepper's script, loader and styles sit in
    docs/assets/stepper/, and no other stylesheet styles it."""
    assert sorted(p.name for p in COMPONENT.iterdir()) == [
        "loader.js",
        "stepper.css",
        "stepper.js",
    ]
    for sheet in DOCS.rglob("*.css"):
        if sheet.parent != COMPONENT:
            assert "chapter-stepper" not in sheet.read_text(encoding="utf-8"), sheet
    assert not [p for p in (DOCS / "assets").glob("stepper*") if p.is_file()]


def test_the_scripts_are_small() -> None:
    """The loader is on every page: under 1 KB."""
    assert (COMPONENT / "loader.js").stat().st_size <= 1024
    assert (COMPONENT / "stepper.js").stat().st_size <= 14 * 1024


def test_the_widget_holds_its_figure_and_hides_its_controls_until_set_up() -> None:
    page = markdown.markdown(
        "<!-- stepper: atm-session -->\n", extensions=["sitetools.generated"]
    )
    root = re.search(r'<div class="chapter-stepper"[^>]*>', page)
    assert root and "hidden" not in root[0], "the figure shows without the script"
    # A named group of controls only once they work (stepper.js sets both).
    assert "role=" not in root[0] and "aria-label" not in root[0], root[0]
    assert 'data-title="Step through the ATM session, event by event"' in root[0]
    assert '<figure class="chapter-figure" id="figure-atm-states">' in page
    assert '<div class="chapter-stepper__bar" hidden>' in page
    assert '<div class="chapter-stepper__more" data-search-exclude="true" hidden>' in (
        page
    )
    assert "<script" not in page, "the loader on every page loads the script"
    # Real buttons with words, their keys named, and one live region.
    for label, key in (
        ("Reset", "Home"),
        ("Previous", "ArrowLeft"),
        ("Next", "ArrowRight"),
    ):
        assert re.search(
            rf'<button type="button"[^>]*aria-keyshortcuts="{key}">{label}</button>',
            page,
        )
    assert page.count('role="status"') == 1
    # The keys are said on the page, and the marks in a legend.
    assert "<kbd>Home</kbd>" in page and "<kbd>End</kbd>" in page
    legend = re.search(r'<ul class="chapter-stepper__legend"[^>]*>(.*?)</ul>', page)
    assert legend, page
    words = re.findall(r"</svg> ([^<]+)</li>", legend[1])
    assert words == [
        "the state it is in now",
        "the arrows just taken",
        "an event refused: nothing moved",
    ]
    # Data in attributes, never a script element holding JSON.
    assert "application/json" not in page


def test_the_legend_names_only_the_marks_a_stepper_makes() -> None:
    marks = {name: steppers.build(name).marks() for name in steppers.STEPPERS}
    assert marks == {
        "cart-total": ("current", "taken"),
        "clients": ("current", "others", "taken"),
        "atm-session": ("current", "taken", "refused"),
    }


def test_every_step_gives_a_value_for_every_row_of_its_run() -> None:
    """The widget keeps one row per field for the whole run, so rows never
    move between steps: each step's values line up with the run's names."""
    for name in steppers.STEPPERS:
        for track in steppers.build(name).data():
            names = track["fields"]
            assert isinstance(names, list) and len(set(names)) == len(names)
            for step in track["steps"]:  # type: ignore[attr-defined]
                assert len(step["values"]) == len(names), (name, step)
    stall = steppers.build("cart-total").data()[-1]
    assert stall["fields"] == [
        cart_story.STATE_MACHINE,
        cart_story.ASYNC_FN,
        "poll returned",
        "error",
    ]


def test_the_narrator_reads_the_fate_of_each_price_from_the_run() -> None:
    """Structured facts, not strings: which receiver the task awaits comes
    from the state CartTotal is in (AWAITED), readiness from the table's
    final states."""
    assert cart_story.AWAITED == {
        "WaitingForSocks": "socks",
        "WaitingForShoes": "shoes",
    }
    assert {"Done"} == cart_story.FINAL
    plan = cart.SCENARIOS["one-by-one"]
    stalled = cart_story.run_version("one-by-one", "state-machine", forgetful=True)
    fates = [a.fate for a in cart_story.arrivals(plan, stalled, 0, None)]
    assert fates == [cart_story.Fate.LOST, cart_story.Fate.EARLY]
    other = cart_story.run_version("other-order", "state-machine", forgetful=False)
    plan = cart.SCENARIOS["other-order"]
    fates = [a.fate for a in cart_story.arrivals(plan, other, 0, None)]
    assert fates == [cart_story.Fate.EARLY, cart_story.Fate.WOKE]


def test_the_stepper_data_names_no_memory_address() -> None:
    """Every step is the same on every build (nothing like 0x7f...)."""
    for name in steppers.STEPPERS:
        assert not re.search(r"0x[0-9a-f]{6,}", json.dumps(steppers.build(name).data()))


def test_the_clients_diagram_has_a_row_per_client_in_order() -> None:
    svg = render("waiting-clients").svg
    tops = [
        float(y)
        for y in re.findall(
            r'data-node="client \d: Start"><title>[^<]*</title>\s*<path[^>]*'
            r'd="M[\d.]+,(-?[\d.]+)',
            svg,
        )
    ]
    assert len(tops) == clients_story.CLIENTS
    assert tops == sorted(tops), "client 0's row must be on top, then 1, then 2"
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    for name in ("client 0", "client 1", "client 2"):
        assert name in texts
    assert texts.count("timer:") == clients_story.CLIENTS


def test_replay_makes_the_widgets_data_with_the_builds_code() -> None:
    """Step your own run: the JSON the page's Python hands the widget is the
    build's track for that run, under a label that says it is the
    reader's; its total is the model's for the prices given."""
    made = json.loads(cart_story.replay(prices={"socks": 20, "shoes": 58}))
    [track] = made["tracks"]
    same = cart_story.track("one-by-one", prices={"socks": 20, "shoes": 58}).data()
    assert track["label"].startswith("your run: one-by-one")
    assert "socks 20, shoes 58" in track["label"]
    assert {**track, "label": ""} == {**same, "label": ""}
    assert track["steps"][-1]["values"][-1] == "Ready(78)"
    assert "The socks price (20) arrived" in track["steps"][2]["narration"]
    with pytest.raises(ValueError, match="unknown scenario 'nope'; valid: 'one-by"):
        cart_story.replay("nope")
    with pytest.raises(TypeError, match="the price of 'socks' must be an int"):
        cart_story.replay(prices={"socks": "12", "shoes": 58})


def test_the_legend_and_keys_stay_out_of_search(built_site: BuildResult) -> None:
    """Search previews a hit with its section's text: the legend and the
    list of keys would read as noise there (sitetools/searchable.py)."""
    index = (built_site.site / "search" / "search_index.json").read_text()
    for words in ("while a button of the stepper has focus", "the arrows just taken"):
        assert words not in index, words
    assert "cart_total is spawned" in index, "the first step's narration is searched"
