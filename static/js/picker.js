// The picker (templates/booking/_slot_picker.html) works by CSS alone: the chosen day shows its times. This
// keeps the chosen time on the day that is open (choosing another day lets go of a time on a closed one),
// and keeps the chosen day in view when the day above it folds away.
(function () {
  "use strict";
  document.querySelectorAll(".picker").forEach(function (picker) {
    picker.addEventListener("change", function (event) {
      var day = event.target;
      if (day.name !== "day") return;
      picker.querySelectorAll(".day-option").forEach(function (option) {
        if (option.contains(day)) return;
        option.querySelectorAll("input[name=slot]:checked").forEach(function (slot) { slot.checked = false; });
      });
      var label = day.labels && day.labels[0];
      if (label) label.scrollIntoView({ block: "nearest" });
    });
  });
})();
