// The advice library beside the summary: Insert puts the snippet's text where the cursor was in the part
// the recruiter last wrote in (or at the end of the part chosen under "Insert into"), as a paragraph of its
// own, and lets the feedback checker read the result. Without JavaScript, Insert posts the form and the
// page comes back with the snippet appended to the chosen part.
(function () {
  "use strict";

  var form = document.getElementById("summary-form");
  var picker = document.querySelector("[data-advice-picker]");
  if (!form || !picker) return;
  var target = document.getElementById("insert_into");
  var status = document.getElementById("advice-status");
  var last = null;

  form.querySelectorAll("textarea").forEach(function (area) {
    area.addEventListener("focus", function () {
      last = area;
      area.setAttribute("data-cursor-known", "1");
      if (target && target.querySelector('option[value="' + area.name + '"]')) target.value = area.name;
    });
  });
  if (target) {
    target.addEventListener("change", function () {
      last = form.querySelector('textarea[name="' + target.value + '"]');
    });
  }

  function paragraph(before, text, after) {
    var head = before.replace(/\s+$/, "");
    var tail = after.replace(/^\s+/, "");
    return {
      value: (head ? head + "\n\n" : "") + text + (tail ? "\n\n" + tail : ""),
      cursor: (head ? head.length + 2 : 0) + text.length
    };
  }

  picker.querySelectorAll('button[name="insert"]').forEach(function (button) {
    button.addEventListener("click", function (event) {
      var body = document.getElementById("snippet-body-" + button.value);
      var area = last || form.querySelector('textarea[name="' + (target ? target.value : "advice") + '"]');
      if (!body || !area) return; // the form posts it instead
      event.preventDefault();
      var known = area.getAttribute("data-cursor-known") === "1";
      var start = known ? area.selectionStart : area.value.length;
      var end = known ? area.selectionEnd : area.value.length;
      var result = paragraph(area.value.slice(0, start), body.textContent.trim(), area.value.slice(end));
      area.value = result.value;
      area.focus();
      area.setSelectionRange(result.cursor, result.cursor);
      area.dispatchEvent(new Event("input", {bubbles: true}));
      var label = form.querySelector('label[for="' + area.id + '"]');
      if (status) {
        status.textContent = picker.getAttribute("data-inserted").replace("__PART__", label ? label.textContent : "");
      }
    });
  });
})();
