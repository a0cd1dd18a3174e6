// Clearance: the only script of the web interface (served by the application; the CSP forbids
// inline scripts). Every page works without it. It adds two things:
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
