// The feedback checker while typing, on every page where text for a candidate is written: each text area
// with data-check names the box its warnings go in; the form's data-check-url answers in JSON. Without
// JavaScript the pages still show the warnings after Preview or Save.
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
      item.appendChild(document.createTextNode(": \u201c" + w.phrase + "\u201d. "));
      if (w.rule) {
        var rule = document.createElement("em");
        rule.textContent = w.rule;
        item.appendChild(rule);
        item.appendChild(document.createTextNode(" "));
      }
      item.appendChild(document.createTextNode(w.suggestion));
      list.appendChild(item);
    });
    box.appendChild(title);
    box.appendChild(list);
    box.hidden = false;
  }

  window.feedbackCheck = {show: showWarnings, csrfToken: csrfToken, jsonOrNull: jsonOrNull, debounce: debounce};

  document.querySelectorAll("form[data-check-url]").forEach(function (form) {
    var url = form.getAttribute("data-check-url");
    var language = form.getAttribute("data-language") || "";
    form.querySelectorAll("textarea[data-check], input[data-check]").forEach(function (area) {
      var box = document.getElementById(area.getAttribute("data-check"));
      if (!box) return;
      var latest = 0;
      area.addEventListener("input", debounce(function () {
        var asked = ++latest;
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken(form)},
          body: JSON.stringify({text: area.value, language: area.getAttribute("data-language") || language})
        }).then(function (response) {
          return response.ok ? jsonOrNull(response) : null;
        }).then(function (data) {
          if (data && asked === latest) showWarnings(box, data.warnings);
        }).catch(function () { /* the warnings after Preview or Save still come from the server */ });
      }, 400));
    });
  });
})();
