// Names the admin's autocomplete boxes (Select2) for screen readers: Select2 hides the
// labelled <select> and shows a combobox named only by the chosen value, which is empty
// on a new form (axe "aria-input-field-name"). The combobox is named by the field's
// label, then the value. Select2 builds its boxes when jQuery is ready, which may come
// after the load event, and again for inline rows added later: watch for them.
(function () {
  function nameBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var box = select.nextElementSibling;
      if (!label || !box || !box.classList.contains("select2")) return;
      if (!label.id) label.id = select.id + "-label";
      box.querySelectorAll("[role=combobox]").forEach(function (el) {
        var value = el.getAttribute("aria-labelledby") || "";
        if (value.split(" ").indexOf(label.id) === -1) {
          el.setAttribute("aria-labelledby", (label.id + " " + value).trim());
        }
      });
      box.querySelectorAll("[role=textbox]").forEach(function (el) {
        el.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    nameBoxes();
    new MutationObserver(function (changes) {
      if (changes.some(function (c) { return c.addedNodes.length; })) nameBoxes();
    }).observe(document.body, {childList: true, subtree: true});
  });
})();
