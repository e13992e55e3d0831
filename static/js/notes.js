// Notes and summary pages: the feedback checker while typing, autosave of the notes, and the print button.
// Without JavaScript the pages work as plain forms; this only adds to them.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function csrfToken(form) {
    var input = form.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  // A response is only trusted when it is JSON: after a sign-out the server answers with the login page.
  function jsonOrNull(response) {
    var type = response.headers.get("Content-Type") || "";
    return type.indexOf("application/json") === -1 ? null : response.json();
  }

  function showWarnings(box, warnings) {
    box.textContent = "";
    if (!warnings || !warnings.length) {
      box.hidden = true;
      return;
    }
    var title = document.createElement("p");
    title.textContent = box.getAttribute("data-title");
    var list = document.createElement("ul");
    warnings.forEach(function (w) {
      var item = document.createElement("li");
      var label = document.createElement("strong");
      label.textContent = w.category_label;
      item.appendChild(label);
      item.appendChild(document.createTextNode(": \u201c" + w.phrase + "\u201d. " + w.suggestion));
      list.appendChild(item);
    });
    box.appendChild(title);
    box.appendChild(list);
    box.hidden = false;
  }

  // The checker while typing: each text area with data-check names the box its warnings go in.
  document.querySelectorAll("form[data-check-url]").forEach(function (form) {
    var url = form.getAttribute("data-check-url");
    var language = form.getAttribute("data-language") || "";
    form.querySelectorAll("textarea[data-check]").forEach(function (area) {
      var box = document.getElementById(area.getAttribute("data-check"));
      if (!box) return;
      var latest = 0;
      area.addEventListener("input", debounce(function () {
        var asked = ++latest;
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken(form)},
          body: JSON.stringify({text: area.value, language: language})
        }).then(function (response) {
          return response.ok ? jsonOrNull(response) : null;
        }).then(function (data) {
          if (data && asked === latest) showWarnings(box, data.warnings);
        }).catch(function () { /* the warnings after saving still come from the server */ });
      }, 600));
    });
  });

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
