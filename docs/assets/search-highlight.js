// A search hit that opens a whole page highlights what was searched for.
//
// Material's search adds ?h=TERMS to the address of each hit, and the page
// it opens highlights those terms. For a page's own entry (the title above
// its section hits), the terms are only those found in the page's opening
// text, often none: the reader landed on the page with nothing highlighted.
// When a hit's h is empty, this fills it with the words of the query as the
// hit is clicked (Material turns Enter on a hit into a click too).

(() => {
  "use strict";

  document.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest?.("a.md-search-result__link");
      if (!link) return;
      const url = new URL(link.href);
      if (!url.searchParams.has("h") || url.searchParams.get("h")) return;
      const input = document.querySelector("input.md-search__input");
      // Words only: leave out the query syntax (+, -, *, ~, ^, :).
      const words = input?.value.match(/[\w.]+/g);
      if (!words) return;
      url.searchParams.set("h", words.join(" "));
      link.href = url.href;
    },
    true,
  );
})();
