// Steppers: replay a run of the model on the page's state diagram.
//
// The build (sitetools/steppers/widget.py) writes each widget: the figure it
// marks, its controls (hidden until set up here) and the steps, in
// data-tracks. A step marks the current node (aria-current="step",
// data-state "current", or "refused" if it refused an event), the arrows
// just taken ("taken") and other tasks' nodes ("others"); stepper.css draws
// each with more than colour. State lives apart from the DOM: step()
// computes the position, render() writes it. Keys are bound on the bar,
// never the document (Material uses p n , . there) nor the figure, whose
// box the arrow keys scroll. The bar (buttons, narration) stays at the
// window's bottom while the figure shows (position: sticky), and each press
// scrolls the page just enough to show the current node above it. Each row
// is as tall as its tallest value in the run: nothing moves under the
// pointer. Loaded by loader.js; a classic script, as a page opened from a
// file runs no module script.

(() => {
  "use strict";

  const ACTIONS = {
    ArrowLeft: "prev",
    ArrowRight: "next",
    Home: "first",
    End: "last",
  };
  const SVG = "http://www.w3.org/2000/svg";

  // The next position: a pure function of the position, the action and the
  // number of steps in each track.
  function step(position, action, lengths) {
    const last = lengths[position.track] - 1;
    switch (action.go) {
      case "first":
        return { ...position, index: 0 };
      case "prev":
        return { ...position, index: Math.max(0, position.index - 1) };
      case "next":
        return { ...position, index: Math.min(last, position.index + 1) };
      case "last":
        return { ...position, index: last };
      case "track":
        return { track: action.track, index: 0 };
      default:
        return position;
    }
  }

  function mark(svg, selector, state, current) {
    const element = svg.querySelector(selector);
    if (!element) throw new Error(`stepper: the figure has no ${selector}`);
    element.setAttribute("data-state", state);
    if (current) element.setAttribute("aria-current", "step");
    return element;
  }

  // Writes "✗ EVENT refused" beside the node, on whichever side has room.
  function refusal(svg, node, event) {
    const shape = node.querySelector("path, polygon");
    const box = shape.getBBox();
    const text = document.createElementNS(SVG, "text");
    text.classList.add("chapter-stepper__refusal");
    text.setAttribute("fill", "currentColor");
    text.setAttribute("y", String(box.y + box.height / 2 + 4));
    text.textContent = `✗ ${event} refused`;
    node.append(text);
    const width = text.getComputedTextLength();
    const left = box.x - 6;
    const room = svg.viewBox.baseVal;
    const onLeft = !room || left - width >= room.x;
    text.setAttribute("x", String(onLeft ? left : box.x + box.width + 6));
    text.setAttribute("text-anchor", onLeft ? "end" : "start");
  }

  function highlight(svg, shown) {
    for (const old of svg.querySelectorAll("[data-state]")) {
      old.removeAttribute("data-state");
      old.removeAttribute("aria-current");
    }
    for (const old of svg.querySelectorAll(".chapter-stepper__refusal"))
      old.remove();
    const node = (name) => `[data-node="${CSS.escape(name)}"]`;
    for (const name of shown.others) mark(svg, node(name), "others", false);
    for (const [from, to] of shown.edges) {
      mark(
        svg,
        `[data-edge="${CSS.escape(`${from}->${to}`)}"]`,
        "taken",
        false,
      );
    }
    const current = mark(
      svg,
      node(shown.node),
      shown.refused ? "refused" : "current",
      true,
    );
    if (shown.refused) refusal(svg, current, shown.refused);
  }

  // Scrolls the figure's box sideways, and only that, to show the current node.
  function centre(svg) {
    const box = svg.closest(".chapter-figure__scroll");
    const current = svg.querySelector("[aria-current]");
    if (!box || !current || box.scrollWidth <= box.clientWidth) return;
    const outer = box.getBoundingClientRect();
    const inner = current.getBoundingClientRect();
    const middle = inner.left + inner.width / 2 - outer.left + box.scrollLeft;
    box.scrollLeft = middle - box.clientWidth / 2;
  }

  // Scrolls the page up or down, just enough, so that the current node shows
  // between the page's header and the stepper's bar.
  function keepInView(widget) {
    const current = widget.svg.querySelector("[aria-current]");
    if (!current || !widget.bar.offsetParent) return;
    // Below the header and Material's "Back to top" button, which shows
    // under the header when the page scrolls up.
    const top =
      Math.max(
        0,
        ...[".md-header", ".md-top"].map(
          (selector) =>
            document.querySelector(selector)?.getBoundingClientRect().bottom ??
            0,
        ),
      ) + 8;
    const bottom =
      Math.min(innerHeight, widget.bar.getBoundingClientRect().top) - 8;
    const node = current.getBoundingClientRect();
    let by = 0;
    if (node.top < top) by = node.top - top;
    else if (node.bottom > bottom) by = node.bottom - bottom;
    if (by) window.scrollBy({ top: by, behavior: "instant" });
  }

  // A row that is as tall as the tallest of its values: every value sits in
  // the same grid cell, and only the one shown is visible (stepper.css).
  function sized(holder, values, shown) {
    const sizers = [...new Set(values)].map((value) =>
      Object.assign(document.createElement("span"), {
        className: "chapter-stepper__sizer",
        textContent: value,
      }),
    );
    for (const sizer of sizers) sizer.setAttribute("aria-hidden", "true");
    holder.replaceChildren(shown, ...sizers);
  }

  // The rows of a run: one per field it shows, whatever the step.
  function layOut(widget, track) {
    const { fields, status, say } = widget;
    widget.values = track.fields.map((name, row) => {
      const term = Object.assign(document.createElement("dt"), {
        textContent: name,
      });
      const description = document.createElement("dd");
      const value = document.createElement("span");
      sized(
        description,
        track.steps.map((shown) => shown.values[row]),
        value,
      );
      return { term, description, value };
    });
    fields.replaceChildren(
      ...widget.values.flatMap((row) => [row.term, row.description]),
    );
    sized(
      say,
      track.steps.map((shown) => shown.narration),
      status,
    );
  }

  function render(widget, position, moved) {
    const { root, svg, tracks, buttons, select, status } = widget;
    const track = tracks[position.track];
    if (widget.track !== position.track) {
      layOut(widget, track);
      widget.track = position.track;
    }
    const shown = track.steps[position.index];
    status.textContent = shown.narration;
    widget.values.forEach(({ value }, row) => {
      value.textContent = shown.values[row];
    });
    const atStart = position.index === 0;
    const atEnd = position.index === track.steps.length - 1;
    const focused = root.contains(document.activeElement)
      ? document.activeElement
      : null;
    buttons.first.disabled = atStart;
    buttons.prev.disabled = atStart;
    buttons.next.disabled = atEnd;
    // A button that is disabled while focused would drop focus to the page.
    if (focused?.disabled) (atEnd ? buttons.prev : buttons.next).focus();
    if (select) select.value = String(position.track);
    root.dataset.step = String(position.index);
    highlight(svg, shown);
    centre(svg);
    if (moved) keepInView(widget);
  }

  // Runs handed to a widget, checked against its figure before use.
  function replayable(svg, tracks) {
    if (!Array.isArray(tracks) || !tracks.length) throw new Error("no tracks");
    const has = (kind, name) =>
      svg.querySelector(`[data-${kind}="${CSS.escape(name)}"]`);
    for (const { label, fields, steps } of tracks) {
      if (
        typeof label !== "string" ||
        !Array.isArray(fields) ||
        !steps?.length
      ) {
        throw new Error("a track needs a label, fields and steps");
      }
      for (const shown of steps) {
        const missing = [shown.node, ...shown.others].find(
          (node) => !has("node", node),
        );
        if (missing !== undefined)
          throw new Error(`no state ${missing} in the figure`);
        if (shown.edges.some(([from, to]) => !has("edge", `${from}->${to}`))) {
          throw new Error(`an arrow of ${shown.node} is not in the figure`);
        }
        if (
          shown.values.length !== fields.length ||
          typeof shown.narration !== "string"
        ) {
          throw new Error("a step needs its narration and a value per field");
        }
      }
    }
    return tracks;
  }

  // The scenario switch, made if the widget had one run, listing every run.
  function choice(bar, tracks) {
    let select = bar.querySelector("select[data-stepper-track]");
    if (!select) {
      const label = Object.assign(document.createElement("label"), {
        className: "chapter-stepper__track",
        textContent: "Scenario ",
      });
      select = document.createElement("select");
      select.dataset.stepperTrack = "";
      label.append(select);
      bar.prepend(label);
    }
    select.replaceChildren(
      ...tracks.map((track, number) => new Option(track.label, String(number))),
    );
    return select;
  }

  function setUp(root) {
    const figure = document.getElementById(root.dataset.figure);
    const svg = figure && root.contains(figure) && figure.querySelector("svg");
    if (!svg)
      throw new Error(
        `stepper: no figure #${root.dataset.figure} in the widget`,
      );
    const tracks = JSON.parse(root.dataset.tracks);
    const lengths = tracks.map((track) => track.steps.length);
    const buttons = {};
    for (const button of root.querySelectorAll("button[data-go]")) {
      buttons[button.dataset.go] = button;
    }
    const bar = root.querySelector(".chapter-stepper__bar");
    const more = root.querySelector(".chapter-stepper__more");
    const widget = {
      root,
      svg,
      bar,
      tracks,
      buttons,
      track: null,
      values: [],
      select: root.querySelector("select[data-stepper-track]"),
      say: root.querySelector(".chapter-stepper__say"),
      status: root.querySelector("[role=status]"),
      fields: root.querySelector(".chapter-stepper__fields"),
    };
    let position = { track: 0, index: 0 };
    const go = (action) => {
      position = step(position, action, lengths);
      render(widget, position, true);
    };
    bar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-go]");
      if (button) go({ go: button.dataset.go });
    });
    bar.addEventListener("change", (event) => {
      if (event.target.matches("select[data-stepper-track]")) {
        go({ go: "track", track: Number(event.target.value) });
      }
    });
    // Step your own run: a run computed elsewhere in the page, by the same
    // code as the build's (sitetools/steppers/cart.py, replay()), arrives as
    //   root.dispatchEvent(new CustomEvent("stepper:replay", {detail: {tracks}}))
    // with tracks shaped as data-tracks. They follow the build's runs (in
    // place of any added before) and the first is shown; a run the figure
    // cannot show is refused, and the widget stays as it was. The sender
    // learns which from detail.taken, set before dispatchEvent returns.
    const built = tracks.length;
    root.addEventListener("stepper:replay", (event) => {
      const detail = event.detail ?? {};
      detail.taken = false;
      try {
        const added = replayable(svg, detail.tracks);
        tracks.splice(built, tracks.length, ...added);
        lengths.splice(
          0,
          lengths.length,
          ...tracks.map((track) => track.steps.length),
        );
        widget.select = choice(bar, tracks);
        widget.track = null;
        go({ go: "track", track: built });
        detail.taken = true;
      } catch (error) {
        console.error(`stepper ${root.dataset.stepper}: cannot replay:`, error);
      }
    });
    bar.addEventListener("keydown", (event) => {
      const action = ACTIONS[event.key];
      if (!action || event.target.tagName === "SELECT") return;
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey)
        return;
      event.preventDefault();
      go({ go: action });
    });
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", root.dataset.title);
    bar.hidden = false;
    more.hidden = false;
    render(widget, position, false);
  }

  // Sets up every stepper in scope once; one broken widget leaves the others
  // working, and the page as the build wrote it.
  function init(scope) {
    for (const root of scope.querySelectorAll("[data-stepper]")) {
      if (root.dataset.stepperReady) continue;
      root.dataset.stepperReady = "true";
      try {
        setUp(root);
      } catch (error) {
        console.error(`stepper ${root.dataset.stepper}:`, error);
      }
    }
  }

  // The page that asked for this script, then each page Material's instant
  // navigation brings (it swaps the content without reloading this script and
  // announces the new page on document$).
  init(document);
  if (window.document$) window.document$.subscribe(() => init(document));
})();
