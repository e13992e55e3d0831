// The HR period control: the months of one's own are asked only when that is the period chosen, and
// typing a month chooses it. Without this script both fields stay visible and work the same.
(function () {
  "use strict";
  var form = document.querySelector("[data-period-form]");
  if (!form) { return; }
  var choice = form.querySelector("[data-period-choice]");
  var range = form.querySelector("[data-period-range]");
  var inputs = range.querySelectorAll("input");
  function show() {
    var custom = choice.value === "custom";
    range.hidden = !custom;
    inputs.forEach(function (input) { input.disabled = !custom; });
  }
  inputs.forEach(function (input) {
    input.addEventListener("input", function () { choice.value = "custom"; show(); });
  });
  choice.addEventListener("change", show);
  show();
}());
