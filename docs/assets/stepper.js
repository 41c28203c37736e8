// Steppers: replay a run of the model next to the page's state diagram.
//
// The build (sitetools/steppers.py) writes each widget with its steps in
// data-tracks, hidden until this script sets it up. A step says what to mark
// in the figure named by data-figure: the current node (aria-current="step",
// data-state="current"), the arrows just taken ("taken") and the nodes other
// tasks occupy ("here"); chapter.css draws each with more than colour.
// State lives apart from the DOM: step() computes the next position, and
// render() writes it out. Keys are bound on the widget, never the document.
//
// stepper-loader.js loads this on the pages that have a stepper. A classic
// script, not a module: a page opened from a file runs no module script, and
// its steppers work there too.

(() => {
"use strict";

const ACTIONS = { ArrowLeft: "prev", ArrowRight: "next", Home: "first", End: "last" };

// The next position: a pure function of the position, the action and the
// number of steps in each track.
function step(position, action, lengths) {
  const last = lengths[position.track] - 1;
  switch (action.go) {
    case "first": return { ...position, index: 0 };
    case "prev": return { ...position, index: Math.max(0, position.index - 1) };
    case "next": return { ...position, index: Math.min(last, position.index + 1) };
    case "last": return { ...position, index: last };
    case "track": return { track: action.track, index: 0 };
    default: return position;
  }
}

function mark(svg, selector, state, current) {
  const element = svg.querySelector(selector);
  if (!element) throw new Error(`stepper: the figure has no ${selector}`);
  element.setAttribute("data-state", state);
  if (current) element.setAttribute("aria-current", "step");
}

function highlight(svg, shown) {
  for (const old of svg.querySelectorAll("[data-state]")) {
    old.removeAttribute("data-state");
    old.removeAttribute("aria-current");
  }
  const node = (name) => `[data-node="${CSS.escape(name)}"]`;
  for (const name of shown.here) mark(svg, node(name), "here", false);
  for (const [from, to] of shown.edges) {
    mark(svg, `[data-edge="${CSS.escape(`${from}->${to}`)}"]`, "taken", false);
  }
  mark(svg, node(shown.node), "current", true);
}

// Scrolls the figure's box sideways, and only that, to show the current node.
function reveal(svg) {
  const box = svg.closest(".chapter-figure__scroll");
  const current = svg.querySelector("[aria-current]");
  if (!box || !current || box.scrollWidth <= box.clientWidth) return;
  const outer = box.getBoundingClientRect();
  const inner = current.getBoundingClientRect();
  const centre = inner.left + inner.width / 2 - outer.left + box.scrollLeft;
  box.scrollLeft = centre - box.clientWidth / 2;
}

function render(widget, position) {
  const { root, svg, tracks, buttons, select, status, fields } = widget;
  const steps = tracks[position.track].steps;
  const shown = steps[position.index];
  status.textContent = shown.say;
  fields.replaceChildren(
    ...shown.fields.flatMap(([name, value]) => {
      const term = document.createElement("dt");
      const description = document.createElement("dd");
      term.textContent = name;
      description.textContent = value;
      return [term, description];
    })
  );
  const atStart = position.index === 0;
  const atEnd = position.index === steps.length - 1;
  const focused = root.contains(document.activeElement) ? document.activeElement : null;
  buttons.first.disabled = atStart;
  buttons.prev.disabled = atStart;
  buttons.next.disabled = atEnd;
  // A button that is disabled while focused would drop focus to the page.
  if (focused && focused.disabled) (atEnd ? buttons.prev : buttons.next).focus();
  if (select) select.value = String(position.track);
  root.dataset.step = String(position.index);
  highlight(svg, shown);
  reveal(svg);
}

function setUp(root) {
  const figure = document.getElementById(root.dataset.figure);
  const svg = figure && figure.querySelector("svg");
  if (!svg) throw new Error(`stepper: no figure #${root.dataset.figure} on the page`);
  const tracks = JSON.parse(root.dataset.tracks);
  const lengths = tracks.map((track) => track.steps.length);
  const buttons = {};
  for (const button of root.querySelectorAll("button[data-go]")) {
    buttons[button.dataset.go] = button;
  }
  const widget = {
    root,
    svg,
    tracks,
    buttons,
    select: root.querySelector("select[data-stepper-track]"),
    status: root.querySelector("[role=status]"),
    fields: root.querySelector(".chapter-stepper__fields"),
  };
  let position = { track: 0, index: 0 };
  const go = (action) => {
    position = step(position, action, lengths);
    render(widget, position);
  };
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-go]");
    if (button && root.contains(button)) go({ go: button.dataset.go });
  });
  if (widget.select) {
    widget.select.addEventListener("change", () => {
      go({ go: "track", track: Number(widget.select.value) });
    });
  }
  root.addEventListener("keydown", (event) => {
    const action = ACTIONS[event.key];
    if (!action || event.target.tagName === "SELECT") return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    go({ go: action });
  });
  render(widget, position);
  root.hidden = false;
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
