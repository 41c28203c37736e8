// Loads quiz.js on the pages that have a question or an exercise, and on no
// other. Listed in extra_javascript, so both builders address this file
// right on every page, wherever the site is deployed; quiz.js is found
// beside it from this script's own address. It looks once the page is read,
// and again on each page that instant navigation brings (document$). A
// classic script, as quiz.js is: a page opened from a file runs no module.
(() => {
  "use strict";
  const src = new URL("quiz.js", document.currentScript.src).href;
  let asked = false;
  const look = () => {
    if (asked || !document.querySelector("[data-question], [data-exercise]")) return;
    asked = true;
    document.head.append(Object.assign(document.createElement("script"), { src }));
  };
  document.addEventListener("DOMContentLoaded", look);
  if (window.document$) window.document$.subscribe(look);
})();
