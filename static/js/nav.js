/* The menu button of the top bar on narrow screens: shows and hides the menu (Bootstrap's
   .collapse/.show classes) and says so in aria-expanded. Replaces Bootstrap's 24 KB
   script bundle, which the portal loaded for this alone (issue 10: the tablet sheet's
   first load). A native <button>, so Enter and Space work; Escape closes the menu. */
(function () {
  "use strict";
  var button = document.querySelector(".navbar-toggler[aria-controls]");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;

  function show(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("show", open);
  }

  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      show(false);
      button.focus();
    }
  });
})();
