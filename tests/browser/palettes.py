"""Palettes and accessibility: contrast of what a reader reads, and axe-core.

``test_palettes.py`` runs these on every opened page in both palettes.
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SERIOUS = {"serious", "critical"}
MIN_CONTRAST = 4.5  # WCAG AA, normal text

# Contrast of text against what is really behind it: walks up to the first
# opaque background, blending translucent layers on the way, as WCAG defines.
CONTRAST = """
const parse = (css) => {
  const m = css.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return null;
  const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
  return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
};
const over = (top, bottom) =>
  [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
const background = (element) => {
  const layers = [];
  for (let e = element; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  return layers.reverse().reduce((bg, layer) => over(layer, bg), [255, 255, 255, 1]);
};
const luminance = (c) => {
  const [r, g, b] = c.slice(0, 3).map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (element, property) => {
  const bg = background(element);
  const fg = over(parse(getComputedStyle(element)[property]), bg);
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
};
"""

CONTRAST_JS = (
    "(samples) => {"
    + CONTRAST
    + """
  const out = [];
  for (const [selector, property] of samples) {
    const element = document.querySelector(selector);
    if (!element || !element.getClientRects().length) continue;
    out.push({selector, ratio: contrast(element, property)});
  }
  return out;
}"""
)

# The highlighted code's colours, one token of each kind (its classes, and
# whether it stands on a highlighted line) that a reader can see: axe leaves
# code blocks out (see CODE_BLOCKS), and this checks what it would have.
CODE_CONTRAST_JS = (
    "(minimum) => {"
    + CONTRAST
    + """
  const seen = new Set();
  const low = [];
  for (const token of document.querySelectorAll('pre > code, pre > code span')) {
    const line = token.closest('.hll') ? ' on a marked line' : '';
    const key = `${token.tagName}.${token.className}${line}`;
    const text = token.textContent.trim();
    if (seen.has(key) || !text || !token.getClientRects().length) continue;
    seen.add(key);
    const ratio = contrast(token, 'color');
    if (ratio < minimum) {
      low.push(`code ${key} "${text.slice(0, 20)}": ${ratio.toFixed(2)}:1`);
    }
  }
  return low;
}"""
)
# axe checks every text node for contrast, and most of a chapter page's text
# nodes are highlighted code tokens: leaving the code out halves axe's time.
# The few dozen kinds of token are checked by CODE_CONTRAST_JS instead.
CODE_BLOCKS = {"exclude": [["pre > code"]]}


def low_code_contrast(page: Page) -> list[str]:
    low: list[str] = page.evaluate(CODE_CONTRAST_JS, MIN_CONTRAST)
    return low


# What a reader reads on a page, in each palette: body text, links, code,
# navigation, the header, and the text inside generated figures.
CONTRAST_SAMPLES = [
    (".md-content .md-typeset p", "color"),
    (".md-content .md-typeset p a", "color"),
    (".md-content .md-typeset p code", "color"),
    (".md-content .md-typeset pre code", "color"),
    (".md-nav__link--active", "color"),
    (".md-header__topic .md-ellipsis", "color"),
    (".chapter-figure svg text", "fill"),
    (".chapter-figure figcaption", "color"),
]


def low_contrast(page: Page) -> list[str]:
    samples = page.evaluate(CONTRAST_JS, CONTRAST_SAMPLES)
    assert samples, "no text found to measure"
    return [
        f"{s['selector']}: {s['ratio']:.2f}:1"
        for s in samples
        if s["ratio"] < MIN_CONTRAST
    ]


# Each visible button under ``root``, in the state it is in now, with the
# contrast of its text against its own background: faded by opacity as a
# reader sees it (a disabled button is often drawn at half opacity, which
# ``contrast`` leaves out), and named with its state.
BUTTONS_CONTRAST = (
    "(root) => {"
    + CONTRAST
    + """
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const opacity = (element) => {
    let product = 1;
    for (let e = element; e; e = e.parentElement) {
      product *= Number(getComputedStyle(e).opacity);
    }
    return product;
  };
  const buttons = [...root.querySelectorAll('button')];
  return buttons.filter((b) => b.getClientRects().length).map((button) => {
    const own = background(button);
    const text = over(parse(getComputedStyle(button).color), own);
    const behind = background(button.parentElement);
    const fade = (colour) => over([...colour.slice(0, 3), opacity(button)], behind);
    const state = [
      button.disabled && 'disabled',
      button === document.activeElement && 'focused',
      button.matches(':hover') && 'under the pointer',
    ].filter(Boolean).join(' and ') || 'normal';
    const label = `${button.textContent.trim()} (${state})`;
    return {label, ratio: ratio(fade(text), fade(own))};
  });
}"""
)

# A stepper's buttons in the states a reader puts them in, in one round
# trip: at the start (Reset and Previous disabled), after pressing Next (it
# keeps focus), at the end (Next disabled, focus on Previous); then at step
# 1 again, with where the pointer goes to rest on Previous.
STEPPER_STATES_JS = (
    "(root) => {\n  const measure = "
    + BUTTONS_CONTRAST
    + """;
  const [first, prev, next] = ['first', 'prev', 'next']
    .map((go) => root.querySelector(`button[data-go=${go}]`));
  root.scrollIntoView({block: 'center'});
  if (!first.disabled) first.click();
  const seen = measure(root);
  next.focus();
  next.click();
  seen.push(...measure(root));
  while (!next.disabled && seen.length < 10000) next.click();
  seen.push(...measure(root));
  first.click();
  next.click();
  const box = prev.getBoundingClientRect();
  return {seen, pointer: [box.x + box.width / 2, box.y + box.height / 2]};
}"""
)


def stepper_buttons_low(page: Page) -> list[str]:
    """The page's first stepper's buttons whose text reads below AA in any
    state: disabled, normal, focused (after a press), under the pointer.
    The stepper is left at its start, the pointer at the window's corner.

    axe alone would miss some: it skips disabled buttons, and checks the
    state the page is in when it runs.
    """
    root = page.locator("[data-stepper]").first
    if not root.count():
        return []
    page.mouse.move(0, 0)  # off the buttons, so Next at the start is as drawn
    states: dict[str, Any] = root.evaluate(STEPPER_STATES_JS)
    page.mouse.move(*states["pointer"])
    seen = [*states["seen"], *root.evaluate(BUTTONS_CONTRAST)]
    page.mouse.move(0, 0)
    root.locator("button[data-go=first]").evaluate("(reset) => reset.click()")
    labels = {m["label"] for m in seen}
    assert any("under the pointer" in label for label in labels), labels
    return sorted(
        {f"{m['label']}: {m['ratio']:.2f}:1" for m in seen if m["ratio"] < MIN_CONTRAST}
    )


# The only axe rules whose outcome depends on colour. The dark palette changes
# colours and nothing else, so there it needs only these, in half the time.
COLOUR_RULE_IDS = ["color-contrast", "link-in-text-block"]
COLOUR_RULES = {"runOnly": {"type": "rule", "values": COLOUR_RULE_IDS}}

# The rules axe runs by default, each with its impact. axe gives every
# finding of a rule the rule's own impact (axe-core 4.12 copies it onto each
# of the rule's checks before it sums up), so a rule whose impact is moderate
# or minor can never report what SERIOUS keeps: the full run leaves them out,
# about a third of its time. A run on the whole page (rules about the whole
# page run only there) names the rules a default run runs, applicable or
# not; their impacts are in axe's own table of rules.
DEFAULT_RULES_JS = """async (options) => {
  const run = await axe.run(document, { resultTypes: ["violations"], ...options });
  const ran = new Set(
    ["violations", "passes", "incomplete", "inapplicable"]
      .flatMap((kind) => run[kind])
      .map((result) => result.id),
  );
  return axe._audit.rules
    .filter((rule) => ran.has(rule.id))
    .map((rule) => [rule.id, rule.impact ?? null]);
}"""
# The rules of axe's default run that can report a serious or critical
# finding, but for the colour rules: learnt once per process (serious_rules).
_SERIOUS_RULES: list[str] = []


def serious_rules(page: Page) -> list[str]:
    """The rules of axe's default run, but for the colour rules, that can
    report a serious or critical finding (a rule with no impact of its own
    is kept: its checks decide)."""
    if not _SERIOUS_RULES:
        load_axe(page)
        no_colour = {"rules": {rule: {"enabled": False} for rule in COLOUR_RULE_IDS}}
        rules: list[list[Any]] = page.evaluate(DEFAULT_RULES_JS, no_colour)
        assert len(rules) > 50, f"axe's default run names {len(rules)} rules"
        _SERIOUS_RULES.extend(
            rule
            for rule, impact in rules
            if rule not in COLOUR_RULE_IDS and (impact is None or impact in SERIOUS)
        )
    return list(_SERIOUS_RULES)


# Marks one element of each look under `root` (a selector; null for the
# whole page) with data-axe-look, leaving out the looks axe has judged
# already: those in `seen` (judged uncovered), and those in `covered`
# (judged only where something covered them) unless one is uncovered here.
# Returns the looks it marked, each with whether its element is uncovered.
# axe's colour rules judge an element by its text's colour, size and
# weight, its shadow, its opacity and what lies behind it; a link also by
# the text around it. Two elements alike in all of that get the same
# verdict, so axe needs to see one of them: a chapter page has several
# hundred elements with text and a few dozen looks, and axe spends two
# thirds of its time on colour. (Code blocks are left to
# low_code_contrast.) Where axe can only say "incomplete" (not a
# violation), the look tells apart what makes it so: text of one
# character, text over ::before or ::after content; and of a look's
# elements, one that nothing covers (the sticky header, say) is the one
# marked. A link is marked itself, since the rule about links checks the
# link element.
MARK_LOOKS_JS = """([rootSelector, seen, covered]) => {
  const root = rootSelector ? document.querySelector(rootSelector) : document.body;
  const style = new Map();
  const css = (e) => style.get(e) || style.set(e, getComputedStyle(e)).get(e);
  const behind = (e) => {
    const layers = [];
    for (; e; e = e.parentElement) {
      const s = css(e);
      layers.push(`${s.backgroundColor} ${s.backgroundImage} ${s.opacity}`);
      if (s.backgroundColor.startsWith("rgb(") && s.backgroundImage === "none") break;
    }
    return layers.join(";");
  };
  const pseudo = (e) =>
    ["::before", "::after"].map((p) => getComputedStyle(e, p).content).join(" ");
  const clear = (e, box) => {
    const x = box.left + box.width / 2;
    const y = box.top + box.height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return true;
    const top = document.elementFromPoint(x, y);
    return top !== null && (e === top || e.contains(top));
  };
  const looks = new Map(); // look -> [element to mark, whether it is clear]
  for (const element of [root, ...root.querySelectorAll("*")]) {
    if (element.closest("pre > code")) continue;
    const text = [...element.childNodes]
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent.trim())
      .join("");
    const box = element.getBoundingClientRect();
    if (!text || box.width < 2 || box.height < 2) continue;
    const s = css(element);
    const link = element.closest("a[href]");
    const around = link?.parentElement
      ? `${css(link.parentElement).color} ${link.parentElement.tagName}`
      : "";
    const look = [
      s.color, s.fontSize, s.fontWeight, s.textShadow, s.visibility,
      s.textDecorationLine, around, behind(element), pseudo(element),
      text.length > 1,
    ].join("/");
    const mark = link && root.contains(link) ? link : element;
    const seen = looks.get(look);
    if (!seen) looks.set(look, [mark, clear(element, box)]);
    else if (!seen[1] && clear(element, box)) looks.set(look, [mark, true]);
  }
  const [judged, under] = [new Set(seen), new Set(covered)];
  const marked = [];
  for (const [look, [mark, uncovered]] of looks) {
    if (judged.has(look) || (under.has(look) && !uncovered)) continue;
    mark.setAttribute("data-axe-look", "");
    marked.push([look, uncovered]);
  }
  return marked;
}"""
UNMARK_LOOKS_JS = """() => {
  for (const e of document.querySelectorAll("[data-axe-look]")) {
    e.removeAttribute("data-axe-look");
  }
}"""


def accessibility_findings(
    page: Page,
    *,
    colours_only: bool,
    within: str | None = None,
    judged: dict[str, bool] | None = None,
) -> list[str]:
    """axe's serious and critical findings on the page (or in what ``within``
    selects): with every rule, or only those that depend on colour, which
    see one element of each look (MARK_LOOKS_JS).

    ``judged``, if given, holds the looks axe's colour rules have judged on
    earlier pages, each with whether axe saw it uncovered; this page's are
    added once axe has run. A look gets the same verdict wherever it is,
    and most of a page's looks (body text, navigation, header) are on every
    page: axe judges only the new ones. A look it saw only under something
    else (the sticky header, say), where it can only say "incomplete", it
    judges again where a page shows it uncovered.
    """
    findings = []
    if not colours_only:
        only = {"runOnly": {"type": "rule", "values": serious_rules(page)}}
        findings += serious_violations(page, only, within)
    judged = {} if judged is None else judged
    seen = sorted(look for look, uncovered in judged.items() if uncovered)
    covered = sorted(look for look, uncovered in judged.items() if not uncovered)
    marked: list[tuple[str, bool]] = page.evaluate(
        MARK_LOOKS_JS, [within, seen, covered]
    )
    if marked:
        try:
            findings += serious_violations(page, COLOUR_RULES, "[data-axe-look]")
        finally:
            page.evaluate(UNMARK_LOOKS_JS)
    for look, uncovered in marked:
        judged[look] = judged.get(look, False) or uncovered
    return findings


AXE_SOURCE = Axe().axe_script  # axe-core, from the copy pinned on PyPI

# axe.run over the page with code blocks excluded (CODE_BLOCKS). axe still
# lays out every element on the page in a grid before it checks colours,
# and a chapter page's highlighted code is thousands of token elements: for
# the run, each block holds its own text as one text node (the same text,
# so the page keeps its layout), and gets its tokens back after.
AXE_RUN = """async ([context, options]) => {
  const blocks = [...document.querySelectorAll("pre > code")].map((code) => {
    const tokens = [...code.childNodes];
    code.replaceChildren(document.createTextNode(code.textContent));
    return [code, tokens];
  });
  try {
    return await axe.run(context, options);
  } finally {
    for (const [code, tokens] of blocks) code.replaceChildren(...tokens);
  }
}"""


def load_axe(page: Page) -> None:
    """Puts axe-core in the page, once: a second copy would only parse the
    same half megabyte."""
    if not page.evaluate("typeof axe !== 'undefined' && !!axe.run"):
        page.evaluate(AXE_SOURCE)


def serious_violations(
    page: Page, options: dict[str, Any] | None = None, within: str | None = None
) -> list[str]:
    """axe-core's serious and critical findings: on the page, or in the
    elements ``within`` selects."""
    # Only violations get full details: the same findings, in half the time.
    options = {"resultTypes": ["violations"], **(options or {})}
    load_axe(page)
    context = CODE_BLOCKS if within is None else {"include": [[within]], **CODE_BLOCKS}
    results = page.evaluate(AXE_RUN, [context, options])
    assert results["testEngine"]["name"] == "axe-core", "axe-core did not run"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]
