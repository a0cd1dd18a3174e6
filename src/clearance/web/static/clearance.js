// Clearance: the only script of the web interface (served by the application; the CSP forbids
// inline scripts). Every page works without it. It adds three things:
// 1. a confirmation before an irreversible step (forms or buttons with data-confirm);
// 2. partial updates: a form with data-partial="#id" is sent in the background and only the element
//    with that id is replaced from the answer (the CSRF token travels in the form as usual). When
//    the answer has no such element (an error page, a redirect elsewhere), the form is sent normally.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  var message = form.getAttribute("data-confirm") || (button && button.getAttribute("data-confirm"));
  if (message && !window.confirm(message)) { event.preventDefault(); return; }
  var target = form.getAttribute("data-partial");
  if (!target || !window.fetch || form.dataset.sending) { return; }
  event.preventDefault();
  form.dataset.sending = "1";
  var body = new FormData(form);
  if (button && button.name) { body.append(button.name, button.value); }
  // getAttribute: a field named "action" would shadow form.action
  fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector(target);
      var old = document.querySelector(target);
      var errors = doc.querySelector("#error-summary");
      if (fresh && old && !errors) {
        old.replaceWith(fresh);
        fresh.setAttribute("tabindex", "-1");
        fresh.focus();
        delete form.dataset.sending;
      } else {
        HTMLFormElement.prototype.submit.call(form);  // the whole answer, errors included
      }
    })
    .catch(function () { HTMLFormElement.prototype.submit.call(form); });
}, true);
// 3. Questionnaire lists: "add another entry" copies the list's empty row with the next number, so
//    a person adds several family members or jobs before saving. The button is hidden without it.
document.querySelectorAll("[data-add-row]").forEach(function (button) { button.hidden = false; });
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-add-row]") : null;
  if (!button) { return; }
  var group = button.parentElement;
  var rows = group.querySelectorAll(":scope > fieldset.row");
  var last = rows[rows.length - 1];
  var base = group.id.slice(2);  // "f-family.members" -> "family.members"
  var next = 0;
  rows.forEach(function (row) { next = Math.max(next, Number(row.id.slice(base.length + 3)) + 1); });
  var from = last.id.slice(2), to = base + "." + next;
  var copy = last.cloneNode(true);
  copy.id = "f-" + to;
  copy.classList.add("new");
  copy.querySelectorAll(".field-error, label.remove").forEach(function (e) { e.remove(); });
  copy.querySelectorAll(".invalid").forEach(function (e) { e.classList.remove("invalid"); });
  copy.querySelectorAll("[name], [id], [for]").forEach(function (el) {
    ["name", "id", "for"].forEach(function (attr) {
      var v = el.getAttribute(attr);
      if (v && v.indexOf(from + ".") !== -1) { el.setAttribute(attr, v.replace(from + ".", to + ".")); }
    });
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
    if (el.tagName === "SELECT") { el.selectedIndex = 0; }
    else if (el.tagName === "INPUT") { el.value = ""; }
  });
  var legend = copy.querySelector("legend");
  if (legend) { legend.textContent = button.getAttribute("data-entry") + " " + (next + 1); }
  last.after(copy);
  var first = copy.querySelector("input, select");
  if (first) { first.focus(); }
});
