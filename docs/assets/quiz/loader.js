// Loads quiz.css, then quiz.js, when a question or an exercise comes near
// the screen, on the pages that have one, and on no other: a page's first
// load carries none of it, and a reader who never scrolls that far never
// fetches it (the questions read fine without it: each has its answer in a
// <details>, which chapter.css opens in print).
// Listed in extra_javascript, so both builders address this file right on
// every page, wherever the site is deployed; quiz.js is found beside it from
// this script's own address. It looks once the page is read, and again on
// each page that instant navigation brings (document$). A classic script,
// as quiz.js is: a page opened from a file runs no module.
(() => {
  "use strict";
  const here = document.currentScript.src;
  const make = (tag, props) =>
    document.head.append(Object.assign(document.createElement(tag), props));
  const ROOTS = "[data-question], [data-exercise]";
  let asked = false;
  let watching = null;
  const load = () => {
    watching?.disconnect();
    if (asked) return;
    asked = true;
    const script = () => make("script", { src: new URL("quiz.js", here).href });
    // The script after the styles: what it shows is drawn styled.
    make("link", {
      rel: "stylesheet",
      href: new URL("quiz.css", here).href,
      onload: script,
      onerror: script,
    });
  };
  const look = () => {
    const roots = document.querySelectorAll(ROOTS);
    if (asked || !roots.length) return;
    if (!("IntersectionObserver" in window)) return load();
    watching?.disconnect();
    // A screen's height ahead, so the buttons are there when it arrives.
    watching = new IntersectionObserver(
      (entries) => entries.some((entry) => entry.isIntersecting) && load(),
      { rootMargin: "100% 0px" },
    );
    for (const root of roots) watching.observe(root);
  };
  document.addEventListener("DOMContentLoaded", look);
  if (window.document$) window.document$.subscribe(look);
})();
