// "Select all" for the candidates list; without JavaScript the box stays hidden and each row is ticked by hand.
(function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  var boxes = document.querySelectorAll('#selection input[name="ids"]');
  all.hidden = false;
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
})();
