// Clearance: the only script of the web interface (served by the application; CSP forbids inline
// scripts). Every page works without it; it adds a confirmation before irreversible steps.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  var button = event.submitter;
  if (!message && button) { message = button.getAttribute("data-confirm"); }
  if (message && !window.confirm(message)) { event.preventDefault(); }
}, true);
