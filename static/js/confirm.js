// Asks before a form is sent when it carries data-confirm="question?"; the strict
// Content-Security-Policy forbids inline onsubmit="return confirm(...)" handlers.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
