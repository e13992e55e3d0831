// Status messages that come with a page, and the error summary (templates/_error_summary.html): the summary
// is focused when the page loads, so that a screen reader reads it and the keyboard starts there; a link in
// it moves the focus to its field and scrolls the field's label or legend into view, as GOV.UK's does.
// Without JavaScript the autofocus and the links still work.
(function () {
  "use strict";
  // A status message that came with the page ("this time was just taken") is put in again once the page has
  // loaded: screen readers announce what changes in a live region, not what it held from the start.
  document.querySelectorAll("[data-announce]").forEach(function (region) {
    var text = region.textContent;
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  });

  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();

  function caption(input) {
    var fieldset = input.closest("fieldset");
    if (fieldset && (input.type === "radio" || input.type === "checkbox")) {
      var legend = fieldset.querySelector("legend");
      if (legend) return legend;
    }
    return (input.labels && input.labels[0]) || input;
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var input = target.matches("input, textarea, select, button") ? target : target.querySelector("input, textarea, select");
    if (!input) return;
    caption(input).scrollIntoView({ block: "start" });
    input.focus({ preventScroll: true });
  });
})();
