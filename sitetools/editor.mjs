// The editor behind Edit: CodeMirror 6 with Python, bundled by esbuild at
// set-up (sitetools/runtime.py) into docs/assets/run/python/editor.mjs, one
// self-hosted ES module that run.js imports at the first Edit, not before.
//
// Tab indents (four spaces) and Shift-Tab dedents, as in an editor for code;
// Escape, then Tab, moves focus out of the editor (CodeMirror's own escape
// hatch for keyboard users, which the page states under the editor).
// Ctrl-Enter (Cmd-Enter) runs. Colours are Material's code colours, so both
// palettes read as the page's own code blocks do.

import { indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  HighlightStyle,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import { tags } from "@lezer/highlight";
import { minimalSetup } from "codemirror";

const colour = (name) => `var(--md-code-hl-${name}-color)`;

const highlight = HighlightStyle.define([
  {
    tag: [tags.keyword, tags.controlKeyword, tags.definitionKeyword],
    color: colour("keyword"),
  },
  { tag: [tags.string, tags.special(tags.string)], color: colour("string") },
  { tag: [tags.number, tags.bool, tags.null], color: colour("number") },
  { tag: tags.comment, color: colour("comment"), fontStyle: "italic" },
  {
    tag: [tags.function(tags.variableName), tags.function(tags.propertyName)],
    color: colour("function"),
  },
  {
    tag: [tags.className, tags.definition(tags.className)],
    color: colour("constant"),
  },
  { tag: tags.operator, color: colour("operator") },
  { tag: tags.punctuation, color: colour("punctuation") },
]);

const theme = EditorView.theme({
  "&": {
    backgroundColor: "var(--md-code-bg-color)",
    color: "var(--md-code-fg-color)",
    fontSize: "0.85em",
  },
  ".cm-content": {
    fontFamily: "var(--md-code-font-family)",
    padding: "0.8em 0",
  },
  ".cm-line": { padding: "0 1.2em" },
  "&.cm-focused": { outline: "0.1rem solid var(--md-accent-fg-color)" },
  ".cm-cursor": { borderLeftColor: "var(--md-code-fg-color)" },
  ".cm-selectionBackground, &.cm-focused .cm-selectionBackground": {
    backgroundColor: "var(--md-accent-fg-color--transparent)",
  },
});

// parent: where the editor goes; doc: its text; label: its accessible name;
// onRun: what Ctrl-Enter does. Returns { value(), focus(), destroy() }.
export function createEditor({ parent, doc, label, onRun }) {
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      minimalSetup,
      python(),
      indentUnit.of("    "),
      syntaxHighlighting(highlight),
      theme,
      // Before minimalSetup's keymap, whose Mod-Enter inserts a blank line.
      Prec.highest(
        keymap.of([
          {
            key: "Mod-Enter",
            run: () => {
              onRun();
              return true;
            },
          },
        ]),
      ),
      keymap.of([indentWithTab]),
      EditorView.contentAttributes.of({
        "aria-label": label,
        autocapitalize: "off",
        autocorrect: "off",
        spellcheck: "false",
      }),
    ],
  });
  return {
    value: () => view.state.doc.toString(),
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
