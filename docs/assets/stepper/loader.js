// Loads stepper.css, then stepper.js, from beside this file, on pages with
// a stepper only: once the page is read, and on each page instant navigation
// brings (document$). In extra_javascript, so both builders address it
// right. Classic: a page opened from a file runs no modules.
(() => {
  "use strict";
  const here = document.currentScript.src;
  const make = (tag, props) =>
    document.head.append(Object.assign(document.createElement(tag), props));
  let asked = false;
  const look = () => {
    if (asked || !document.querySelector("[data-stepper]")) return;
    asked = true;
    const script = () =>
      make("script", { src: new URL("stepper.js", here).href });
    // The script after the styles: what it shows is drawn styled.
    make("link", {
      rel: "stylesheet",
      href: new URL("stepper.css", here).href,
      onload: script,
      onerror: script,
    });
  };
  document.addEventListener("DOMContentLoaded", look);
  if (window.document$) window.document$.subscribe(look);
})();
