// Run, Edit, Reset and Stop for the Python blocks of a page.
//
// The build marks each runnable block (sitetools/codeblocks.py):
//   <div class="chapter-code" data-run="session"
//        data-run-hidden='[[0, ">>> import ..."], ...]'>  highlighted code  </div>
// (the session it runs is the code shown with the hidden lines put back);
// a listing of package code with data-run="listing" and the module and
// sections it shows (data-listing="chapter2/oneshot.py"
// data-sections="receiver"); any other script with data-run="script"; and
// each block that cannot run in a browser with data-norun="why".
// This script adds a bar under such a block: buttons with words, a status
// line (role="status") and the output. Python runs in one Web Worker for the
// whole visit (python.mjs, run-worker.mjs); it is created at the first Run,
// so nothing of it loads before, and it survives Material's instant
// navigation because this script does. Each block's root gets data-state =
// idle | loading | running | done | error, which the tests wait on.
//
// Run on a listing puts the reader's edit in place of those sections in the
// worker's copy of the package; from then on every run on the page sends the
// edits in force with it (the worker makes the package hold exactly those),
// and each example says it runs with them, until Reset on the listing.
//
// A classic script, not a module: a page opened from a file loads no module
// script, and there the Run button must still say why it cannot run.

(() => {
"use strict";

const LOADING = "Loading Python (about 6 MB compressed, first time only)…";

// The worker's side of things loads at the first Run, not with the page.
let python = null;
const PYTHON = new URL("python.mjs", document.currentScript.src);
const loadPython = () => (python ??= import(PYTHON.href));

// --- one block -------------------------------------------------------------

function element(tag, properties = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

function button(label, action) {
  return element("button", { type: "button", textContent: label, onclick: action });
}

// The session as a terminal shows it: each example's code behind its prompts,
// then what it printed; output that differs from the page's is marked.
// Examples the page hides are left out, unless they failed.
function transcript(records, hidden) {
  const code = element("code", { tabIndex: 0 }); // scrolls: reachable by keyboard
  for (const { line, source, got, ok } of records) {
    if (ok && hidden.has(line)) continue;
    const lines = source.replace(/\n$/, "").split("\n");
    code.append(lines.map((line, i) => (i ? "... " : ">>> ") + line).join("\n") + "\n");
    if (ok) {
      code.append(got);
    } else {
      const mark = element("mark", { className: "chapter-run__differs", title: "differs from the page" });
      mark.append(element("span", { className: "chapter-run__sr", textContent: "Differs from the page: " }));
      mark.append(got || "(no output)\n");
      code.append(mark);
    }
  }
  return element("pre", {}, code);
}

function summary(records, seconds) {
  const differ = records.filter((record) => !record.ok).length;
  const time = `Done in ${seconds.toFixed(2)} s`;
  if (!differ) return `${time}; the output is the page's.`;
  const outputs = differ === 1 ? "1 output differs" : `${differ} outputs differ`;
  return `${time}; ${outputs} from the page's (marked ≠).`;
}

function script(record) {
  return element("pre", {}, element("code", { tabIndex: 0, textContent: record.got }));
}

// The block as it runs: the lines shown, with the hidden ones put back.
function runnable(code, hidden) {
  const lines = code.querySelector("code").textContent.replace(/\n$/, "").split("\n");
  for (const [number, text] of hidden) lines.splice(number, 0, text);
  return lines.join("\n") + "\n";
}

// --- the reader's edits of package listings ---------------------------------

// The listings whose edit is in force, each with the code the reader ran.
const applied = new WeakMap();

const listings = () => [...document.querySelectorAll('[data-run="listing"]')];
const sections = (root) => root.dataset.sections.split(" ");
const listingName = (root) => `${root.dataset.listing} (${sections(root).join(", ")})`;
const edited = (root, code) => ({ file: root.dataset.listing, sections: sections(root), code });

// Every edit in force on this page (but the one of `except`), for the worker.
function editsInForce(except = null) {
  return listings()
    .filter((root) => root !== except && applied.has(root))
    .map((root) => edited(root, applied.get(root)));
}

// The note on each example: which edits it runs with, if any.
function showEdits() {
  const names = listings().filter((root) => applied.has(root)).map(listingName);
  const text = names.length
    ? `Runs with your edit of ${names.join(" and ")}, not the package's own code.`
    : "";
  for (const note of document.querySelectorAll(".chapter-run__edited")) {
    note.textContent = text;
    note.hidden = !text;
  }
}

function listingReport(root, record, changed) {
  const file = root.dataset.listing;
  const modules = record.modules.join(", ");
  if (!record.ok) {
    return `Your edit is not used (the error is below): the examples on this page` +
      ` run with the package's own ${listingName(root)}.`;
  }
  if (!changed) {
    return `Unchanged: this is the package's own code, and ${modules} import with it.` +
      " Edit it, then Run, to try a change on this page's examples.";
  }
  return `${file} now holds your edit; imported again with it: ${modules}.` +
    " Run an example on this page to see the effect; Reset puts the package's code back.";
}

// --- one block -------------------------------------------------------------

function mount(root) {
  const kind = root.dataset.run;
  const code = root.querySelector(".highlight");
  const hidden = JSON.parse(root.dataset.runHidden || "[]");
  const original = runnable(code, hidden);
  const status = element("span", { className: "chapter-run__status", role: "status" });
  const output = element("div", { className: "chapter-run__output", hidden: true });
  let editor = null;

  const run = button("Run", () => start());
  const edit = button("Edit", () => openEditor());
  const reset = button("Reset", () => closeEditor());
  const stop = button("Stop", () => loadPython().then((p) => p.stop()));
  reset.hidden = stop.hidden = true;
  const bar = element("div", { className: "chapter-run__bar" }, run, edit, reset, stop, status);
  if (kind !== "listing") {
    bar.append(element("p", { className: "chapter-run__edited", hidden: true }));
  }
  root.append(bar, output);

  function show(state, message) {
    root.dataset.state = state;
    status.textContent = message;
    const busy = state === "loading" || state === "running";
    run.disabled = busy;
    stop.hidden = !busy;
  }

  function openEditor() {
    editor = element("textarea", {
      className: "chapter-run__editor",
      value: original,
      spellcheck: false,
      rows: original.split("\n").length,
      ariaLabel: kind === "listing"
        ? `Code of ${listingName(root)}; edit, then Run to use it in this page's examples`
        : "Code of this example, with the output the page expects; edit, then Run",
    });
    editor.setAttribute("autocapitalize", "off");
    code.hidden = true;
    code.after(editor);
    edit.hidden = true;
    reset.hidden = false;
    editor.focus();
  }

  function closeEditor() {
    editor?.remove();
    editor = null;
    code.hidden = false;
    edit.hidden = false;
    reset.hidden = true;
    output.hidden = true;
    output.replaceChildren();
    const undone = applied.delete(root);
    showEdits();
    show("idle", undone ? "Back to the package's own code: the examples use it again." : "");
    edit.focus();
  }

  async function start() {
    if (location.protocol === "file:") {
      show("error", "Run needs the site served over HTTP: a page opened from a file cannot start Python. Use make serve.");
      return;
    }
    const source = editor ? editor.value : original;
    // An edited block shows all it ran: the reader now sees every line.
    const skip = new Set(editor ? [] : hidden.map(([number]) => number));
    const records = [];
    output.hidden = false;
    output.replaceChildren();
    show("loading", LOADING);
    let worker;
    try {
      worker = await loadPython();
      await worker.ready();
    } catch (error) {
      show("error", `Python could not start: ${error.message}.`);
      return;
    }
    show("running", "Running…");
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      if (kind === "listing") {
        const edits = [...editsInForce(root), edited(root, source)];
        const file = root.dataset.listing;
        const [record] = await worker.run({ kind, source, edits, file });
        const changed = source.trimEnd() !== original.trimEnd();
        if (record.ok && changed) applied.set(root, source);
        else applied.delete(root);
        showEdits();
        output.hidden = !record.got;
        if (record.got) output.replaceChildren(script(record));
        show(record.ok ? "done" : "error", listingReport(root, record, changed));
      } else if (kind === "script") {
        const [record] = await worker.run({ kind, source, edits: editsInForce() });
        output.replaceChildren(script(record));
        const raised = record.ok ? "" : "; it raised an exception (shown below)";
        show("done", `Done in ${seconds().toFixed(2)} s${raised}.`);
      } else {
        await worker.run({ kind, source, edits: editsInForce() }, (record) => {
          records.push(record);
          output.replaceChildren(transcript(records, skip));
        });
        show("done", summary(records, seconds()));
      }
    } catch (error) {
      if (error instanceof worker.Stopped) {
        show("idle", "Stopped. The next Run starts Python again.");
      } else {
        show("error", `Could not run: ${error.message}.`);
      }
    }
  }

  root.dataset.state = "idle";
}

function mountNote(root) {
  const note = element("p", {
    className: "chapter-run__bar chapter-run__note",
    textContent: `Runs on your machine, not in this page: ${root.dataset.norun}.`,
  });
  root.append(note);
}

// Idempotent: Material calls it again after each instant navigation.
function init(scope) {
  for (const [selector, setUp] of [["[data-run]", mount], ["[data-norun]", mountNote]]) {
    for (const root of scope.querySelectorAll(selector)) {
      if (root.dataset.runMounted) continue;
      root.dataset.runMounted = "true";
      try {
        setUp(root);
      } catch {
        // One broken block must not break the page; its code stays readable.
      }
    }
  }
  showEdits();
}

// Now (the script runs after the page's content), and after each instant
// navigation. Material's document$ alone is not enough: on a page opened
// from a file it never fires.
init(document);
if (typeof document$ !== "undefined") document$.subscribe(() => init(document));
})();
