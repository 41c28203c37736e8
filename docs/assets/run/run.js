// Run, Edit, Reset and Stop for the Python blocks of a page.
//
// The build marks each runnable block (sitetools/codeblocks.py):
//   <div class="chapter-code" data-run="session"
//        data-run-hidden='[[0, ">>> import ..."], ...]'>  highlighted code  </div>
// (the session it runs is the code shown with the hidden lines put back);
// a listing of package code with data-run="listing", the module and
// sections it shows (data-listing="chapter2/oneshot.py"
// data-sections="receiver") and the modules an edit of it reaches
// (data-reaches="chapter2.cart chapter2.oneshot.Receiver"); any other script with
// data-run="script"; and each block that cannot run in a browser with
// data-norun="why".
// This script adds a bar under such a block: buttons with words, a status
// line (role="status") and the output. Python runs in a Web Worker
// (python.mjs, run-worker.mjs), created at the first Run, so nothing of it
// loads before; it survives Material's instant navigation because this
// script does. The editor behind Edit (CodeMirror, python/editor.mjs) loads
// at the first Edit. Each block's root gets data-state = idle | waiting |
// loading | running | done | error, which the tests wait on.
//
// Run on a listing puts the reader's edit in place of those sections in the
// worker's copy of the package; from then on every run on the page sends the
// edits in force with it (the worker makes the package hold exactly those),
// and each example says it runs with them, until Reset on the listing or
// until the reader leaves the page (the edits live in the page, which the
// listing's message says). The edits a run uses are those in force when it
// begins, after any wait; an example whose output was made with others says
// so. A listing that no runnable example on the page uses gets no buttons:
// an edit of it could show nothing.
//
// A classic script, not a module: a page opened from a file loads no module
// script, and there the Run button must still say why it cannot run.

(() => {
  "use strict";

  const LOADING = "Loading Python (about 8 MB compressed, first time only)…";
  const STOPPED_STARTING =
    "Stopped while Python was starting. Run starts it again.";
  const HERE = document.currentScript.src;

  // The page's side of Python, and the editor: loaded when first needed.
  let pythonClient = null;
  function importPythonClient() {
    if (pythonClient === null)
      pythonClient = import(new URL("python.mjs", HERE).href);
    return pythonClient;
  }
  let editorModule = null;
  function importEditor() {
    if (editorModule === null)
      editorModule = import(new URL("python/editor.mjs", HERE).href);
    return editorModule;
  }

  // --- small helpers -----------------------------------------------------------

  function element(tag, properties = {}, ...children) {
    const node = Object.assign(document.createElement(tag), properties);
    node.append(...children);
    return node;
  }

  function button(label, action) {
    return element("button", {
      type: "button",
      textContent: label,
      onclick: action,
    });
  }

  const isSession = (code) => code.trimStart().startsWith(">>>");
  const seconds = (value) => `${value.toFixed(value < 10 ? 2 : 1)} s`;

  // The session as a terminal shows it: each example's code behind its prompts,
  // then what it printed; output that differs from the page's is marked, on
  // lines of its own, by a border and a sign in the margin (run.css), so its
  // columns stay where the page's are. Examples the page hides are left out,
  // unless they failed. A session's examples are added as each finishes:
  // rebuilding it each time froze the page on a long one (3,000 examples,
  // 78 s).
  function transcript(records, hidden) {
    const code = element("code", { tabIndex: 0 }); // scrolls: reachable by keyboard
    for (const record of records) addExample(code, record, hidden);
    return element("pre", {}, code);
  }

  function addExample(code, { line, source, got, ok }, hidden) {
    if (ok && hidden.has(line)) return;
    const lines = source.replace(/\n$/, "").split("\n");
    code.append(
      `${lines.map((text, i) => (i ? "... " : ">>> ") + text).join("\n")}\n`,
    );
    if (ok) {
      code.append(got);
      return;
    }
    const mark = element("mark", {
      className: "chapter-run__differs",
      title: "differs from the page",
    });
    mark.append(
      element("span", {
        className: "chapter-run__sr",
        textContent: "Differs from the page: ",
      }),
    );
    mark.append((got || "(no output)\n").replace(/\n$/, ""));
    code.append(mark);
  }

  function printed(text) {
    return element(
      "pre",
      {},
      element("code", { tabIndex: 0, textContent: text }),
    );
  }

  // How long it took: Python's start, when this run waited for it, apart.
  function timing({ startSeconds, restored, runSeconds }) {
    const ran = `the run took ${seconds(runSeconds)}`;
    if (startSeconds === null) return `Done: ${ran}`;
    const from = restored ? " from a saved copy" : "";
    return `Python started in ${seconds(startSeconds)}${from}; ${ran}`;
  }

  function summary(records, time) {
    const differ = records.filter((record) => !record.ok).length;
    if (!records.length) return `${time}. It holds no >>> example to run.`;
    if (!differ) return `${time}; the output is the page's.`;
    const outputs =
      differ === 1 ? "1 output differs" : `${differ} outputs differ`;
    return `${time}; ${outputs} from the page's (marked ≠).`;
  }

  // The block as it runs: the lines shown, with the hidden ones put back.
  function runnable(code, hidden) {
    const lines = code
      .querySelector("code")
      .textContent.replace(/\n$/, "")
      .split("\n");
    for (const [number, text] of hidden) lines.splice(number, 0, text);
    return `${lines.join("\n")}\n`;
  }

  // --- the reader's edits of package listings ---------------------------------

  // The listings whose edit is in force, each with the code the reader ran.
  const applied = new WeakMap();

  const listings = () => [...document.querySelectorAll('[data-run="listing"]')];
  const sections = (root) => root.dataset.sections.split(" ");
  const listingName = (root) =>
    `${root.dataset.listing} (${sections(root).join(", ")})`;
  const edited = (root, code) => ({
    file: root.dataset.listing,
    sections: sections(root),
    code,
  });

  // Every edit in force on this page (but the one of `except`), for the worker.
  function editsInForce(except = null) {
    return listings()
      .filter(
        (root) => root !== except && root.isConnected && applied.has(root),
      )
      .map((root) => edited(root, applied.get(root)));
  }

  // The note on each example: which edits it runs with, if any.
  function showEdits() {
    const names = listings()
      .filter((root) => applied.has(root))
      .map(listingName);
    const text = names.length
      ? `Runs with your edit of ${names.join(" and ")}, not the package's own code.`
      : "";
    for (const note of document.querySelectorAll(".chapter-run__edited")) {
      note.textContent = text;
      note.hidden = !text;
    }
    for (const block of document.querySelectorAll('[data-run="session"]')) {
      sayIfStale(block);
    }
  }

  // The edits in force that reach a block's code, as text to compare.
  function editsReaching(block) {
    return JSON.stringify(
      listings()
        .filter((root) => applied.has(root) && examplesOf(root).includes(block))
        .map((root) => edited(root, applied.get(root))),
    );
  }

  // An example whose output was made with other edits of the code it uses
  // than those now in force says so (it kept a ≠ output that no longer
  // follows, with nothing to say why). block.ranWith: set as its run began.
  function sayIfStale(block) {
    if (block.ranWith === undefined || block.ranWith === editsReaching(block))
      return;
    block.ranWith = undefined;
    if (block.dataset.state !== "done") return;
    block.querySelector(".chapter-run__status").textContent =
      "The output below was made with other edits of the package than" +
      " those in force now: Run again to see what they give.";
  }

  // Whether a block's code uses one of these: a module ("chapter2.cart"),
  // which it imports, or a name in one ("chapter2.oneshot.Receiver"), which
  // it imports from there or reaches as an attribute of the module (a name
  // the block defines for itself does not count).
  function uses(code, reaches) {
    const found = (pattern) => new RegExp(pattern).test(code);
    return reaches.some((entry) => {
      const [, module, name] = entry.split(".");
      const path = `chapter2\\.${module}`;
      if (name === undefined) {
        return (
          found(`\\b${path}\\b`) ||
          found(`from\\s+chapter2\\s+import\\s+\\(?[\\w\\s,]*\\b${module}\\b`)
        );
      }
      return (
        found(`from\\s+${path}\\s+import\\s+\\(?[\\w\\s,]*\\b${name}\\b`) ||
        found(`\\b${module}\\.${name}\\b`)
      );
    });
  }

  // The examples on this page that run with a listing's code.
  function examplesOf(root) {
    const reaches = (root.dataset.reaches || "").split(" ").filter(Boolean);
    return [...document.querySelectorAll('[data-run="session"]')].filter(
      (block) => uses(block.runnableCode ?? "", reaches),
    );
  }

  let anchors = 0;

  // A link to the first example that uses a listing, in words.
  function exampleLink(examples) {
    const [first] = examples;
    if (!first.id) first.id = `run-example-${++anchors}`;
    const others = examples.length - 1;
    const more = others ? ` (and ${others} more on this page)` : "";
    const link = element("a", {
      href: `#${first.id}`,
      textContent: "the example that uses it",
    });
    // Scrolled to here: as a navigation, Material's instant loading may
    // fetch the page again, and the edits in force would go with it.
    link.addEventListener("click", (event) => {
      event.preventDefault();
      first.scrollIntoView({ block: "center" });
      first.querySelector("button")?.focus({ preventScroll: true });
    });
    return [link, more];
  }

  function listingReport(root, record, changed) {
    const examples = examplesOf(root);
    if (!record.ok) {
      return [
        "Your edit is not used (the error is below): the examples on this page" +
          ` run with the package's own ${listingName(root)}.`,
      ];
    }
    if (!changed) {
      return [
        "This is the package's own code, and it imports as it is. Edit it, then Run," +
          " and ",
        ...exampleLink(examples),
        " runs with your change.",
      ];
    }
    return [
      `${root.dataset.listing} now holds your edit (imported again: ${record.modules.join(", ")}). Run `,
      ...exampleLink(examples),
      " to see its effect; Reset, or leaving the page, puts the package's code back.",
    ];
  }

  // --- step through this run ---------------------------------------------------

  // The page's cart-total stepper, if it has one: after the reader runs an
  // edited cart_total example, or an edited listing that cart_total reaches,
  // "Step through this run" asks the worker for that run's steps (replay.py,
  // with the build's own code) and hands them to the stepper
  // (docs/assets/stepper/stepper.js, its stepper:replay event).
  const CART = "chapter2.cart";
  const cartStepper = () =>
    document.querySelector('[data-stepper="cart-total"]');

  function replayable(as, source, own, record) {
    if (own || !cartStepper()) return false;
    if (as === "listing") return record.ok && record.modules.includes(CART);
    return uses(source, [CART]);
  }

  // --- the editor ----------------------------------------------------------------

  const HINT =
    "Tab indents; Escape then Tab leaves the editor; Ctrl+Enter runs.";

  // CodeMirror, or a plain text area should the editor's file not load.
  async function openEditorIn(parent, doc, label, onRun) {
    try {
      const { createEditor } = await importEditor();
      return createEditor({ parent, doc, label, onRun });
    } catch {
      const area = element("textarea", {
        className: "chapter-run__textarea",
        value: doc,
        spellcheck: false,
        rows: doc.split("\n").length,
        ariaLabel: label,
      });
      parent.append(area);
      return {
        value: () => area.value,
        focus: () => area.focus(),
        destroy: () => area.remove(),
      };
    }
  }

  // --- one block -------------------------------------------------------------

  function mount(root) {
    const kind = root.dataset.run;
    const code = root.querySelector(".highlight");
    const hidden = JSON.parse(root.dataset.runHidden || "[]");
    const original = runnable(code, hidden);
    root.runnableCode = original;
    const status = element("span", {
      className: "chapter-run__status",
      role: "status",
    });
    const output = element("div", {
      className: "chapter-run__output",
      hidden: true,
    });
    const editing = element("div", {
      className: "chapter-run__editor",
      hidden: true,
    });
    let editor = null;
    let ticket = null;
    let focusAfter = null; // the button to focus again once a run ends
    // Reset presses: a run asked for before one is dropped, or, stopped by
    // it, leaves Reset's message standing.
    let resets = 0;

    const run = button("Run", () => start());
    const edit = button("Edit", () => openEditor());
    const reset = button("Reset", () => closeEditor());
    // Stop presses: one while Python's module still loads, before there is
    // a run to stop, drops the run asked for.
    let stops = 0;
    const stop = button("Stop", () => {
      stops += 1;
      ticket?.stop();
    });
    const stepThrough = button("Step through this run", () => replay());
    let lastRun = null; // what stepThrough replays: { ran, source, edits, seen }
    reset.hidden = stop.hidden = stepThrough.hidden = true;
    const bar = element(
      "div",
      { className: "chapter-run__bar" },
      run,
      edit,
      reset,
      stop,
      stepThrough,
      status,
    );
    if (kind !== "listing") {
      bar.append(
        element("p", { className: "chapter-run__edited", hidden: true }),
      );
    }
    code.after(editing);
    root.append(bar, output);

    function show(state, ...message) {
      root.dataset.state = state;
      status.replaceChildren(...message);
      const busy = ["waiting", "loading", "running"].includes(state);
      // Run is disabled while busy, and Stop hidden after: the focus on
      // either goes to the other, not to the page (a keyboard reader kept
      // their place only by luck).
      const active = document.activeElement;
      const focused = [run, stop, stepThrough].includes(active);
      run.disabled = stepThrough.disabled = busy;
      stop.hidden = !busy;
      if (!focused) return;
      if (busy) {
        if (active !== stop) focusAfter = active;
        stop.focus();
      } else {
        const back = focusAfter?.hidden ? run : (focusAfter ?? run);
        focusAfter = null;
        back.focus();
      }
    }

    async function openEditor() {
      edit.disabled = true;
      const label =
        kind === "listing"
          ? `Code of ${listingName(root)}; edit, then Run to use it in this page's examples`
          : "Code of this example, with the output the page expects; edit, then Run";
      const holder = element("div");
      editing.replaceChildren(
        holder,
        element("p", { className: "chapter-run__hint", textContent: HINT }),
      );
      editor = await openEditorIn(
        holder,
        original,
        label,
        () => run.disabled || start(),
      );
      root.runEditor = editor; // for the tests, which read what the reader typed
      editing.hidden = false;
      code.hidden = true;
      edit.hidden = true;
      edit.disabled = false;
      reset.hidden = false;
      editor.focus();
    }

    function closeEditor() {
      resets += 1;
      ticket?.stop();
      editor?.destroy();
      editor = null;
      editing.hidden = true;
      editing.replaceChildren();
      code.hidden = false;
      edit.hidden = false;
      reset.hidden = true;
      stepThrough.hidden = true;
      output.hidden = true;
      output.replaceChildren();
      const undone = applied.delete(root);
      showEdits();
      const others = editsInForce().length;
      show(
        "idle",
        !undone
          ? ""
          : others
            ? `Back to the package's own ${listingName(root)}; your other edits stay in force.`
            : "Back to the package's own code: the examples use it again.",
      );
      edit.focus();
    }

    async function start() {
      if (location.protocol === "file:") {
        show(
          "error",
          "Run needs the site served over HTTP: a page opened from a file cannot start Python. Use make serve.",
        );
        return;
      }
      const source = editor ? editor.value() : original;
      // Plain Python typed over a >>> example runs as a file runs.
      const as = kind === "session" && !isSession(source) ? "script" : kind;
      const changed = source.trimEnd() !== original.trimEnd();
      // The edits in force when the run begins (python.mjs calls prepare).
      const prepare = (begun) => {
        begun.block.edits =
          kind === "listing"
            ? [...editsInForce(root), edited(root, source)]
            : editsInForce();
        begun.own =
          !changed && begun.block.edits.length === (kind === "listing" ? 1 : 0);
        if (kind === "session") root.ranWith = editsReaching(root);
      };
      const resetsBefore = resets;
      const stopsBefore = stops;
      // An edited block shows all it ran: the reader now sees every line.
      const skip = new Set(editor ? [] : hidden.map(([number]) => number));
      const records = [];
      stepThrough.hidden = true;
      output.hidden = false;
      output.replaceChildren();
      // Said once, before the first start; later, the queue says what
      // happens (waiting, starting, running) as soon as it is asked.
      if (pythonClient === null) show("loading", LOADING);
      else run.disabled = true;
      let client;
      try {
        client = await importPythonClient();
      } catch (error) {
        show("error", `Python could not start: ${error.message}.`);
        return;
      }
      // Reset while Python's module came: the reader took the run back.
      if (resets !== resetsBefore) return;
      if (stops !== stopsBefore) {
        show("idle", STOPPED_STARTING);
        return;
      }
      const states = {
        waiting:
          "Waiting for another run on the page to finish (Stop cancels this one only)…",
        loading: LOADING,
        starting: "Starting a fresh Python…",
        restarting:
          "Your own code ran in this Python: the page's example runs in a fresh one…",
        running: "Running…",
      };
      ticket = client.run(
        { kind: as, source, edits: [], file: root.dataset.listing },
        {
          root,
          prepare,
          onState: (state) => {
            if (state === "restarting") {
              // The fresh Python's answer replaces what this one showed.
              records.length = 0;
              output.replaceChildren();
            }
            const starts = state === "restarting" || state === "starting";
            show(starts ? "loading" : state, states[state]);
          },
          onExample: (record) => {
            records.push(record);
            if (records.length === 1) {
              output.replaceChildren(transcript(records, skip));
            } else {
              addExample(output.querySelector("code"), record, skip);
            }
          },
        },
      );
      const mine = ticket;
      try {
        const answer = await mine.done;
        const [record] = answer.records;
        const { edits } = mine.block;
        if (replayable(as, source, mine.own, record)) {
          // What it printed: the steps are made by running it again, and
          // must be of this run (not of one with other random numbers).
          const seen =
            as === "listing"
              ? undefined
              : JSON.stringify(answer.records.map((r) => r.got));
          lastRun = { ran: as, source, edits, seen };
          stepThrough.hidden = false;
        }
        if (as === "listing") {
          if (record.ok && changed) applied.set(root, source);
          else applied.delete(root);
          showEdits();
          output.hidden = !record.got;
          output.replaceChildren(printed(record.got));
          show(
            record.ok ? "done" : "error",
            ...listingReport(root, record, changed),
          );
        } else if (as === "script") {
          output.replaceChildren(printed(record.got || "(it printed nothing)"));
          const ending =
            record.exit !== undefined
              ? `; it exited with status ${record.exit}`
              : record.ok
                ? ""
                : "; it raised an exception (shown below)";
          show("done", `${timing(answer)}${ending}.`);
        } else if (record?.unreadable) {
          // Typed prompts doctest's parser cannot read (">>>print(1)").
          output.replaceChildren(printed(record.got));
          show(
            "error",
            "Nothing ran: the block's prompts need fixing (below).",
          );
        } else {
          output.replaceChildren(transcript(answer.records, skip));
          show("done", summary(answer.records, timing(answer)));
          // A Reset while it ran: the edits it ran with are gone already.
          sayIfStale(root);
        }
      } catch (error) {
        if (error instanceof client.Stopped && resets !== resetsBefore) {
          output.hidden = true; // Reset said what happened, and emptied it
        } else if (error instanceof client.Stopped) {
          output.hidden = !records.length;
          const { when } = error;
          show(
            "idle",
            when === "waiting"
              ? "Cancelled before it ran."
              : when === "running"
                ? "Stopped. The next Run starts Python again."
                : STOPPED_STARTING,
          );
        } else if (error instanceof client.PythonEnded) {
          show(
            "error",
            `Python stopped during this run (${error.message}).` +
              " The next Run starts a fresh Python.",
          );
        } else {
          show("error", `Could not run: ${error.message}.`);
        }
      } finally {
        if (ticket === mine) ticket = null;
      }
    }

    // The last run again, unseen, as the stepper's steps; the stepper shows
    // them and gets the focus.
    async function replay() {
      const stepper = cartStepper();
      if (!lastRun || !stepper) return;
      const resetsBefore = resets;
      show("running", "Making the steps of your run…");
      // Imported already, for the run it replays: the await resumes as a
      // microtask, before any click, so no Reset can come in between.
      const client = await importPythonClient();
      ticket = client.run({ kind: "replay", ...lastRun }, { root });
      const mine = ticket;
      try {
        const [record] = (await mine.done).records;
        if (!record.ok) {
          show("error", `Nothing to step through: ${record.got.trim()}`);
          return;
        }
        const { tracks } = JSON.parse(record.steps);
        const detail = { tracks };
        stepper.dispatchEvent(new CustomEvent("stepper:replay", { detail }));
        // The stepper says whether it took the run: one it refused leaves
        // it showing what it showed, perhaps an earlier run of the same name.
        if (!detail.taken) {
          show(
            "error",
            "The stepper cannot show this run: it goes through states that" +
              " the state diagram does not have.",
          );
          return;
        }
        stepper.scrollIntoView({ block: "start" });
        stepper.querySelector('button[data-go="next"]')?.focus();
        show(
          "done",
          "Your run is in the stepper under the state diagram, after the" +
            " page's runs: press Next to step through it.",
        );
      } catch (error) {
        if (!(error instanceof client.Stopped && resets !== resetsBefore)) {
          show(
            error instanceof client.Stopped ? "idle" : "error",
            error instanceof client.Stopped
              ? "Stopped."
              : `Could not make the steps: ${error.message}.`,
          );
        }
      } finally {
        if (ticket === mine) ticket = null;
      }
    }

    root.dataset.state = "idle";
  }

  function mountNote(root, text) {
    root.append(
      element("p", {
        className: "chapter-run__bar chapter-run__note",
        textContent: text,
      }),
    );
  }

  // Idempotent: Material calls it again after each instant navigation.
  function init(scope) {
    const blocks = [
      ...scope.querySelectorAll("[data-run], [data-norun]"),
    ].filter((root) => !root.dataset.runMounted);
    for (const root of blocks) {
      root.dataset.runMounted = "true";
      try {
        if (root.dataset.norun !== undefined) {
          mountNote(
            root,
            `Runs on your machine, not in this page: ${root.dataset.norun}.`,
          );
        } else {
          mount(root);
        }
      } catch {
        // One broken block must not break the page; its code stays readable.
      }
    }
    // Listings once every example is mounted: which of them run with it.
    for (const root of blocks) {
      if (root.dataset.run !== "listing" || examplesOf(root).length) continue;
      root.querySelector(".chapter-run__bar")?.remove();
      root.querySelector(".chapter-run__output")?.remove();
      delete root.dataset.run;
      mountNote(
        root,
        "No example on this page that runs in the browser uses this code," +
          " so it has no Run or Edit here.",
      );
    }
    showEdits();
  }

  // --- instant navigation wherever the site is served --------------------------

  // Material follows a link without a full page load only to an address in
  // sitemap.xml, which names the published site: served anywhere else (make
  // serve on another host, a static copy at any path), every link loaded the
  // whole page and Python had to start again. A link to a page of this site
  // that Material left alone is followed the way Material follows its own:
  // the address pushed to history, then to Material's location$, which
  // fetches the page and swaps it in.
  // The site's root, from Material's configuration, resolved once: its base is
  // relative to the page first loaded, as Material itself reads it.
  function siteBase() {
    const element = document.getElementById("__config");
    const config = element && JSON.parse(element.textContent);
    if (!config?.features?.includes("navigation.instant")) return null;
    return new URL(config.base, location.href);
  }

  function followInstantly(event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    const link =
      event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!link || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href);
    const base = BASE;
    if (
      !base ||
      url.origin !== location.origin ||
      !url.pathname.startsWith(base.pathname)
    )
      return;
    // Pages (directory addresses or .html), not the site's other files; an
    // anchor on this page is the browser's to follow.
    if (!/(\/|\.html)$/.test(url.pathname)) return;
    if (url.pathname === location.pathname && url.search === location.search)
      return;
    event.preventDefault();
    history.replaceState({ x: scrollX, y: scrollY }, "");
    history.pushState(null, "", url);
    location$.next(url);
  }

  // Now (the script runs after the page's content), and after each instant
  // navigation. Material's document$ alone is not enough: on a page opened
  // from a file it never fires.
  init(document);
  if (typeof document$ !== "undefined")
    document$.subscribe(() => init(document));
  // After Material's own click handler (on the body), and only where its
  // instant navigation runs (not from a file).
  const BASE = siteBase();
  if (typeof location$ !== "undefined" && location.protocol !== "file:") {
    document.addEventListener("click", followInstantly);
  }
})();
