// Notes pages: autosave of the notes (with the checker's warnings after each save) and the print button;
// the checker while typing is static/js/feedback_check.js.
// Without JavaScript the pages work as plain forms; this only adds to them.
(function () {
  "use strict";

  var check = window.feedbackCheck;  // static/js/feedback_check.js, loaded first
  var debounce = check.debounce, csrfToken = check.csrfToken, jsonOrNull = check.jsonOrNull,
      showWarnings = check.show;

  // Autosave: a few seconds after typing stops, post the whole form; the Save button keeps working.
  document.querySelectorAll("form[data-autosave-url]").forEach(function (form) {
    var url = form.getAttribute("data-autosave-url");
    var status = form.querySelector("[data-save-status]");
    var dirty = false, saving = false, again = false;

    function say(text) { if (status) status.textContent = text; }

    function save() {
      if (saving) { again = true; return; }
      saving = true;
      dirty = false;
      say(form.getAttribute("data-msg-saving"));
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Accept": "application/json", "X-CSRFToken": csrfToken(form)},
        body: new FormData(form)
      }).then(function (response) {
        var parsed = jsonOrNull(response);
        if (!parsed) throw new Error("not json");
        return parsed;
      }).then(function (data) {
        say(data.message);
        if (!data.saved) { dirty = true; return; }
        Object.keys(data.warnings || {}).forEach(function (name) {
          var box = document.getElementById("warnings-" + name);
          if (box) showWarnings(box, data.warnings[name]);
        });
      }).catch(function () {
        dirty = true;
        say(form.getAttribute("data-msg-failed"));
      }).then(function () {
        saving = false;
        if (again) { again = false; save(); }
      });
    }

    var saveLater = debounce(save, 2500);
    form.addEventListener("input", function () {
      dirty = true;
      say(form.getAttribute("data-msg-unsaved"));
      saveLater();
    });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
