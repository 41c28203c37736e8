// Loads stepper.js on the pages that have a stepper ([data-stepper]), and on
// no other. Listed in extra_javascript, so both builders address this file
// right on every page, wherever the site is deployed; stepper.js is found
// beside it from this script's own address. It looks once the page is read,
// and again on each page that instant navigation brings (document$, which
// does not emit on a page opened from a file). A classic script, as
// stepper.js is: a page opened from a file runs no module script.
(() => {
  "use strict";
  const src = new URL("stepper.js", document.currentScript.src).href;
  let asked = false;
  const look = () => {
    if (asked || !document.querySelector("[data-stepper]")) return;
    asked = true;
    document.head.append(Object.assign(document.createElement("script"), { src }));
  };
  document.addEventListener("DOMContentLoaded", look);
  if (window.document$) window.document$.subscribe(look);
})();
