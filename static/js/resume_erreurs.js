// A refused form: the focus goes to the error summary at the top of the page, or, when the
// refusal is told by a message (an action refused, then the page shown again), to that
// message, so that keyboard and screen-reader users meet the reason first.
// No inline script: the page's CSP forbids them.
(function () {
  "use strict";
  var cible = document.getElementById("resume-erreurs") || document.querySelector("[data-refus]");
  if (cible) { cible.focus(); }
})();
