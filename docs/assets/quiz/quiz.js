// Questions and exercises: check an answer, see why, keep progress.
//
// The build (sitetools/questions) writes each question as a group with one
// radio input per option, an empty role="status" paragraph, and a collapsed
// <details> holding the model's answer and why each option is right or
// wrong (data-why="N"); the root says which option is right (data-answer)
// and carries a hash of what the reader sees (data-key). This script adds a
// Check button, writes the verdict and the chosen option's explanation into
// the status, and a "Show me" button that drives the page's stepper to the
// step that answers it (through the stepper's own buttons and data
// attributes, its contract), or scrolls to the example.
//
// An exercise (data-exercise) gets an editor, a Check button that runs its
// checks (checks/NAME.py beside this script, named by data-checks) with the reader's code in the page's Python
// (assets/run/python.mjs, the Run buttons' worker, loaded at the first
// Check), hints one at a time, and its solution after a pass or three
// failed tries.
//
// Progress stays in this browser (localStorage, one entry), keyed by each
// question's hash, so an edited question starts fresh; nothing is sent
// anywhere. A summary after the page's last question counts this page and
// the chapter, retries the missed questions and resets everything.
//
// loader.js loads this on the pages that have a question or an exercise. A
// classic script, as the stepper's: a page opened from a file runs no module.

(() => {
  "use strict";

  const STORE = "chapter2-quiz";
  const TRIES_FOR_SOLUTION = 3;
  const RUN_TIMEOUT = 20; // seconds a check may run before it is stopped
  const MARK = "@@exercise-verdict@@ ";
  const SCRIPT = document.currentScript.src;

  // --- progress: state apart from the DOM ------------------------------------

  function load() {
    try {
      const stored = JSON.parse(localStorage.getItem(STORE) || "{}");
      return { q: stored.q || {}, x: stored.x || {} };
    } catch {
      return { q: {}, x: {} };
    }
  }

  function save(progress) {
    try {
      localStorage.setItem(STORE, JSON.stringify(progress));
    } catch {
      // Storage full or refused (a private window): progress lasts the visit.
    }
  }

  // A check's effect on a question's record: the first verdict is kept.
  function answered(record, right, choice) {
    return { first: record ? record.first : right, right, choice };
  }

  function element(tag, properties = {}, ...children) {
    const node = Object.assign(document.createElement(tag), properties);
    node.append(...children);
    return node;
  }

  function button(label, action, primary = false) {
    const made = element("button", { type: "button", textContent: label });
    made.addEventListener("click", action);
    if (primary) made.dataset.primary = "";
    return made;
  }

  // --- questions --------------------------------------------------------------

  function renderQuestion(root, record) {
    const status = root.querySelector(".chapter-quiz__verdict");
    for (const label of root.querySelectorAll(".chapter-quiz__choice")) {
      label.removeAttribute("data-verdict");
      label.querySelector(".chapter-quiz__mark")?.remove();
    }
    root.dataset.verdict = record ? (record.right ? "right" : "wrong") : "";
    const showMe = root.querySelector(".chapter-quiz__show-me");
    if (showMe) showMe.hidden = !record;
    if (!record) {
      status.replaceChildren();
      for (const input of root.querySelectorAll("input")) input.checked = false;
      return;
    }
    const input = root.querySelector(`input[value="${record.choice}"]`);
    input.checked = true;
    const label = input.closest("label");
    label.dataset.verdict = record.right ? "right" : "wrong";
    label.append(
      element("span", {
        className: "chapter-quiz__mark",
        textContent: record.right ? "✓ right" : "✗ not this one",
      }),
    );
    const why = root.querySelector(`details [data-why="${record.choice}"]`);
    const explanation = why.cloneNode(true);
    const verdict = record.right
      ? "Right."
      : "Not quite. Pick another answer and check again.";
    status.replaceChildren(
      element("strong", { textContent: verdict }),
      " ",
      ...explanation.childNodes,
    );
  }

  function setUpQuestion(root, page) {
    const key = root.dataset.key;
    const fieldset = root.querySelector("fieldset");
    const status = root.querySelector(".chapter-quiz__verdict");
    const link = root.querySelector("a[data-show]");
    const check = button(
      "Check",
      () => {
        const chosen = root.querySelector("input:checked");
        if (!chosen) {
          status.replaceChildren("Pick an answer first.");
          return;
        }
        const progress = load();
        const right = chosen.value === root.dataset.answer;
        progress.q[key] = answered(
          progress.q[key],
          right,
          Number(chosen.value),
        );
        save(progress);
        renderQuestion(root, progress.q[key]);
        page.update();
      },
      true,
    );
    const actions = element(
      "div",
      { className: "chapter-quiz__actions" },
      check,
    );
    if (link) {
      const showMe = button(link.textContent, () => show(link));
      showMe.className = "chapter-quiz__show-me";
      actions.append(showMe);
    }
    fieldset.after(actions);
    renderQuestion(root, load().q[key]);
  }

  // --- "show me": the stepper's step, or the example ---------------------------

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // A stepper is ready when its script has set it up: its Next button is
  // no longer inside a hidden element (the controls wait hidden until then).
  const isReady = (root) => {
    const next = root.querySelector('button[data-go="next"]');
    return Boolean(
      root.dataset.stepperReady && next && !next.closest("[hidden]"),
    );
  };

  async function ready(root) {
    for (let waited = 0; !isReady(root); waited += 50) {
      if (waited > 3000) return false;
      await wait(50);
    }
    return true;
  }

  async function show(link) {
    const spec = link.dataset.show;
    if (spec.startsWith("#")) {
      const target = document.getElementById(spec.slice(1));
      if (!target) return;
      if (!target.hasAttribute("tabindex")) target.tabIndex = -1;
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
      return;
    }
    const [name, track, index] = spec.split(" ");
    const root = document.querySelector(`[data-stepper="${CSS.escape(name)}"]`);
    const figure = root && document.getElementById(root.dataset.figure);
    if (!root || !(await ready(root))) {
      (figure || document.getElementById(link.hash.slice(1)))?.scrollIntoView();
      return;
    }
    const select = root.querySelector("select[data-stepper-track]");
    if (select && select.value !== track) {
      select.value = track;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    const first = root.querySelector('button[data-go="first"]');
    if (first && !first.disabled) first.click();
    const next = root.querySelector('button[data-go="next"]');
    if (!next) {
      (figure || root).scrollIntoView({ block: "start" });
      return;
    }
    for (let step = 0; step < Number(index) && !next.disabled; step++)
      next.click();
    (figure || root).scrollIntoView({ block: "start" });
    const focus = next.disabled
      ? root.querySelector('button[data-go="prev"]')
      : next;
    focus?.focus({ preventScroll: true });
  }

  // --- exercises ----------------------------------------------------------------

  let python = null;
  const loadPython = () => {
    if (!python) python = import(new URL("../run/python.mjs", SCRIPT).href);
    return python;
  };

  // Python files beside this script, fetched at the first Check, as Python
  // itself is: harness.py, which runs the checks and prints the verdict,
  // shared by every exercise, and each exercise's checks (checks/NAME.py).
  const files = new Map();
  const loadFile = (name) => {
    if (!files.has(name)) {
      const text = fetch(new URL(name, SCRIPT)).then((response) => {
        if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
        return response.text();
      });
      text.catch(() => files.delete(name)); // the next Check asks again
      files.set(name, text);
    }
    return files.get(name);
  };

  // Why a Check gave no verdict, in the reader's words.
  function whyNoVerdict(python, error, late) {
    if (late)
      return `the check ran for more than ${RUN_TIMEOUT} s, so it was stopped`;
    if (error instanceof python.PythonEnded)
      return `Python stopped during the checks (${error.message}); the next Check starts a fresh Python`;
    return error.message;
  }

  // Runs `source` in the page's Python, after any Run already queued, with
  // the state said in `status`; stopped once it has run RUN_TIMEOUT seconds
  // (the time Python takes to start does not count), or when `signal`
  // (the Check's AbortSignal) is aborted: by Stop, perhaps before the run
  // was asked for, while Python's module or the checks' files were still
  // on their way. (A Check whose exercise leaves the page, python.mjs stops
  // by itself.) The one record, or null when the reader stopped it.
  async function runChecks(source, status, root, signal) {
    const python = await loadPython();
    let ticket = null;
    let timer = null;
    let late = false;
    const said = {
      waiting: "Waiting for another run on the page to finish…",
      loading: "Loading Python (about 8 MB compressed, first time only)…",
      starting: "Starting a fresh Python…",
      restarting: "Starting a fresh Python…",
      running: "Running the checks…",
    };
    const onState = (state) => {
      status.textContent = said[state] ?? status.textContent;
      root.dataset.state = state === "running" ? "running" : "loading";
      if (state === "running" && timer === null)
        timer = setTimeout(() => {
          late = true;
          ticket?.stop();
        }, RUN_TIMEOUT * 1000);
    };
    if (signal.aborted) return null; // before anything ran
    ticket = python.run(
      { kind: "script", source, edits: [] },
      { root, onState },
    );
    const stopTicket = () => ticket.stop();
    signal.addEventListener("abort", stopTicket);
    try {
      const { records } = await ticket.done;
      return records[0];
    } catch (error) {
      if (error instanceof python.Stopped && !late) return null;
      throw new Error(whyNoVerdict(python, error, late));
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", stopTicket);
    }
  }

  // The verdict: the harness prints it last, on a line of its own. Whether
  // it passes is worked out here from the checks it lists, so the summary
  // always agrees with the list.
  function verdictOf(output) {
    const lines = output.split("\n").filter((text) => text.startsWith(MARK));
    if (!lines.length) return null;
    const verdict = JSON.parse(lines[lines.length - 1].slice(MARK.length));
    const checks = Array.isArray(verdict.checks) ? verdict.checks : [];
    verdict.checks = checks;
    verdict.ok =
      !verdict.error && checks.length > 0 && checks.every((c) => c.ok === true);
    return verdict;
  }

  function printedBy(verdict) {
    if (!verdict.printed) return [];
    return [
      element("p", { textContent: "What your code printed:" }),
      element("pre", {}, element("code", { textContent: verdict.printed })),
    ];
  }

  function results(verdict) {
    return element(
      "ul",
      { className: "chapter-exercise__results" },
      ...verdict.checks.map((check) =>
        element(
          "li",
          {},
          element("strong", {
            textContent: check.ok ? "✓ passes: " : "✗ fails: ",
          }),
          check.name,
          ...(check.ok
            ? []
            : [
                element(
                  "pre",
                  {},
                  element("code", { textContent: check.message }),
                ),
              ]),
        ),
      ),
    );
  }

  function setUpExercise(root, page) {
    const key = root.dataset.key;
    const start = root.querySelector(".chapter-exercise__start");
    const original = `${start.querySelector("code").textContent.replace(/\n$/, "")}\n`;
    const status = root.querySelector(".chapter-exercise__verdict");
    const hints = [...root.querySelectorAll("[data-hint]")];
    const solution = root.querySelector(".chapter-exercise__solution");
    const title = root.querySelector(".chapter-quiz__title").textContent;
    const stored = () =>
      load().x[key] || { code: original, tries: 0, passed: false, hints: 0 };
    const keep = (change) => {
      const progress = load();
      progress.x[key] = { ...stored(), ...change };
      save(progress);
      return progress.x[key];
    };

    const editor = element("textarea", {
      className: "chapter-exercise__editor",
      spellcheck: false,
      value: stored().code,
      rows: original.split("\n").length,
    });
    editor.setAttribute("aria-label", `Your code for the exercise: ${title}`);
    editor.setAttribute("autocapitalize", "off");
    editor.addEventListener("input", () => keep({ code: editor.value }));
    // Tab indents, as in an editor; Escape then Tab leaves the box.
    let escaped = false;
    editor.addEventListener("keydown", (event) => {
      if (event.key === "Escape") escaped = true;
      else if (event.key === "Tab" && !event.shiftKey && !escaped) {
        event.preventDefault();
        editor.setRangeText(
          "    ",
          editor.selectionStart,
          editor.selectionEnd,
          "end",
        );
        keep({ code: editor.value });
      } else escaped = false;
    });
    const output = element("div", { className: "chapter-exercise__output" });
    const check = button("Check", () => run(), true);
    // The Check going, if any: Stop aborts it.
    let checkGoing = null;
    const stop = button("Stop", () => checkGoing?.abort());
    stop.hidden = true;
    const hint = button("Show a hint", () =>
      render(keep({ hints: stored().hints + 1 })),
    );
    const again = button("Start over", () => {
      editor.value = original;
      render(keep({ code: original }));
      editor.focus();
    });
    const keys = element("p", {
      className: "chapter-exercise__keys",
      id: `${root.id}-keys`,
      textContent:
        "In the editor, Tab indents; press Escape, then Tab, to move on.",
    });
    editor.setAttribute("aria-describedby", keys.id);
    start.after(
      editor,
      keys,
      element(
        "div",
        { className: "chapter-exercise__actions" },
        check,
        stop,
        hint,
        again,
      ),
    );
    status.after(output);
    root.dataset.editing = "";

    function render(record) {
      hints.forEach((details, number) => {
        const shown = number < record.hints;
        details.toggleAttribute("data-locked", !shown);
        if (shown && number === record.hints - 1) details.open = true;
      });
      hint.disabled = record.hints >= hints.length;
      hint.textContent = hint.disabled
        ? "All hints shown"
        : `Show a hint (${record.hints + 1} of ${hints.length})`;
      const unlocked = record.passed || record.tries >= TRIES_FOR_SOLUTION;
      solution.toggleAttribute("data-locked", !unlocked);
      root.dataset.passed = String(record.passed);
    }

    // Forget all my answers bumps this: a Check that ends after it keeps
    // nothing (its verdict would bring back what the reader forgot).
    let resets = 0;

    async function run() {
      const code = editor.value;
      const resetsBefore = resets;
      const going = new AbortController();
      checkGoing = going;
      check.disabled = true;
      stop.hidden = false;
      output.replaceChildren();
      status.textContent = "Getting the checks ready…";
      root.dataset.state = "loading";
      let verdict = null;
      let failure = "";
      let stopped = false;
      try {
        const call = `judge(${JSON.stringify(code)}, CHECKS)`;
        const [harness, checks] = await Promise.all([
          loadFile("harness.py"),
          loadFile(`checks/${root.dataset.checks}`),
        ]);
        const source = `${harness}\n\n${checks}\n\n${call}\n`;
        const record = await runChecks(source, status, root, going.signal);
        stopped = record === null;
        verdict = stopped ? null : verdictOf(record.got);
        if (!verdict && !stopped)
          failure = `the checks did not finish: ${record.got.trim().split("\n").pop()}`;
      } catch (error) {
        failure = error.message;
      }
      checkGoing = null; // Check is disabled while one goes: this one
      check.disabled = false;
      stop.hidden = true;
      root.dataset.state = "done";
      if (resets !== resetsBefore) {
        status.textContent = "";
        return;
      }
      if (stopped) {
        status.textContent = "Stopped. Check runs the checks again.";
        return;
      }
      if (!verdict) {
        status.textContent = `Could not run the checks: ${failure}.`;
        return;
      }
      // The code is kept as it is typed: a verdict changes only the counts
      // (keeping the code of the moment Check was pressed lost what was
      // typed while it ran).
      const before = stored();
      const record = keep({
        passed: before.passed || verdict.ok,
        tries: before.tries + (verdict.ok ? 0 : 1),
      });
      const passing = verdict.checks.filter((c) => c.ok).length;
      let said;
      // An error is Python's own text, over several lines (the status keeps
      // them): what the page adds goes on a line of its own.
      const after = verdict.error ? "\n" : " ";
      if (verdict.error) said = verdict.error;
      else if (verdict.ok)
        said = `All ${verdict.checks.length} checks pass. The solution is below, to compare.`;
      else said = `${passing} of ${verdict.checks.length} checks pass.`;
      if (!verdict.ok && record.tries >= TRIES_FOR_SOLUTION)
        said += `${after}A solution is below, if you want it.`;
      else if (!verdict.ok && record.hints < hints.length)
        said += `${after}A hint may help.`;
      status.textContent = said;
      output.replaceChildren(
        ...(verdict.checks.length ? [results(verdict)] : []),
        ...printedBy(verdict),
      );
      render(record);
      page.update();
    }

    // "Forget all my answers": back to the starting code, nothing unlocked.
    root.chapterReset = () => {
      resets += 1;
      editor.value = original;
      output.replaceChildren();
      status.textContent = "";
      render(stored());
    };
    render(stored());
  }

  // --- the page's summary -------------------------------------------------------

  function chapterKeys() {
    const holder = document.querySelector("[data-quiz-chapter]");
    return holder ? JSON.parse(holder.dataset.quizChapter) : [];
  }

  function summarise(questions, exercises) {
    const progress = load();
    const keys = questions.map((root) => root.dataset.key);
    const right = keys.filter((key) => progress.q[key]?.right);
    const first = keys.filter((key) => progress.q[key]?.first);
    const chapter = chapterKeys();
    const chapterRight = chapter.filter((key) => progress.q[key]?.right).length;
    const parts = [
      `This page: ${right.length} of ${keys.length} questions answered right` +
        (right.length ? ` (${first.length} at the first try).` : "."),
    ];
    if (exercises.length) {
      const passed = exercises.filter(
        (root) => progress.x[root.dataset.key]?.passed,
      ).length;
      parts.push(`Exercises passed: ${passed} of ${exercises.length}.`);
    }
    if (chapter.length)
      parts.push(
        `The chapter: ${chapterRight} of ${chapter.length} questions.`,
      );
    return parts.join(" ");
  }

  // Missed: not right at the first try (or not right yet).
  const missed = (record) => record && !(record.first && record.right);

  function setUpPage(questions, exercises) {
    const text = element("p", { className: "chapter-quiz-summary__text" });
    const retry = button("Retry the missed questions", () => {
      const progress = load();
      const again = questions.filter((root) =>
        missed(progress.q[root.dataset.key]),
      );
      for (const root of again) delete progress.q[root.dataset.key];
      save(progress);
      for (const root of again) renderQuestion(root, undefined);
      page.update();
      if (again.length) {
        again[0].scrollIntoView({ block: "start" });
        again[0].querySelector("input").focus({ preventScroll: true });
      }
    });
    const reset = button("Forget all my answers", () => {
      try {
        localStorage.removeItem(STORE);
      } catch {
        // Nothing stored: nothing to forget.
      }
      for (const root of questions) renderQuestion(root, undefined);
      for (const root of exercises) root.chapterReset?.();
      page.update();
    });
    const panel = element(
      "div",
      {
        className: "chapter-quiz-summary",
        role: "group",
        ariaLabel: "Your answers on this page and in the chapter",
      },
      text,
      element(
        "div",
        { className: "chapter-quiz-summary__actions" },
        retry,
        reset,
      ),
    );
    const page = {
      update() {
        text.textContent = summarise(questions, exercises);
        const progress = load();
        retry.disabled = !questions.some((root) =>
          missed(progress.q[root.dataset.key]),
        );
      },
    };
    const last = [...questions, ...exercises]
      .sort((a, b) =>
        a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING
          ? -1
          : 1,
      )
      .pop();
    last.after(panel);
    return page;
  }

  // --- set-up ---------------------------------------------------------------------

  function init(scope) {
    const fresh = (selector) =>
      [...scope.querySelectorAll(selector)].filter((root) => {
        if (root.dataset.quizReady) return false;
        root.dataset.quizReady = "true";
        return true;
      });
    const questions = fresh("[data-question]");
    // Without data-checks the site has no Python to check with (render.py).
    const exercises = fresh("[data-exercise][data-checks]");
    if (!questions.length && !exercises.length) return;
    let page;
    try {
      page = setUpPage(questions, exercises);
    } catch (error) {
      console.error("quiz summary:", error);
      page = { update() {} };
    }
    for (const [roots, setUp] of [
      [questions, setUpQuestion],
      [exercises, setUpExercise],
    ]) {
      for (const root of roots) {
        try {
          setUp(root, page);
        } catch (error) {
          console.error(
            `quiz ${root.dataset.question || root.dataset.exercise}:`,
            error,
          );
        }
      }
    }
    page.update();
  }

  init(document);
  if (window.document$) window.document$.subscribe(() => init(document));
})();
