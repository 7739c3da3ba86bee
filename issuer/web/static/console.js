// The issuer console, made quicker when JavaScript runs (every page works without it):
// - choosing a framework shows its levels at once (the form's "Show" button, clicked for you);
// - ticking a whole level ticks its statements, unticking a statement unticks its level;
// - a batch in progress reloads itself until it is done;
// - times show in the reader's own time zone (their title).
"use strict";
(function () {
  var choose = document.getElementById("choose-framework");
  var select = document.getElementById("framework-choice");
  if (choose && select) {
    choose.hidden = true;
    select.addEventListener("change", function () {
      var form = select.form;
      if (form && form.requestSubmit) { form.requestSubmit(choose); } else { choose.click(); }
    });
  }
  document.querySelectorAll("fieldset.level").forEach(function (fieldset) {
    var whole = fieldset.querySelector("input[name=levels]");
    var parts = fieldset.querySelectorAll("input[name=statements]");
    if (!whole) { return; }
    whole.addEventListener("change", function () {
      parts.forEach(function (box) { box.checked = whole.checked; });
    });
    parts.forEach(function (box) {
      box.addEventListener("change", function () {
        if (!box.checked) { whole.checked = false; }
        else if (Array.prototype.every.call(parts, function (b) { return b.checked; })) { whole.checked = true; }
      });
    });
  });
  var refresh = document.getElementById("auto-refresh");
  if (refresh) {  // a batch in progress: reload until it is done (the link stops it)
    refresh.hidden = false;
    window.setTimeout(function () { window.location.reload(); },
      1000 * Number(refresh.getAttribute("data-seconds") || "5"));
  }
  document.querySelectorAll("time[datetime]").forEach(function (node) {
    var at = new Date(node.getAttribute("datetime"));
    if (!isNaN(at.getTime())) {
      node.title = at.toLocaleString(undefined, { dateStyle: "long", timeStyle: "short" });
    }
  });
})();
