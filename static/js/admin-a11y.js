// Names the admin's autocomplete boxes (Select2) for screen readers: Select2 hides the
// labelled <select> and shows a combobox without a name (axe "aria-input-field-name").
// Runs after the admin's autocomplete.js has built the boxes (on window load).
window.addEventListener("load", function () {
  document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    var box = select.nextElementSibling;
    if (!label || !box) return;
    var name = label.textContent.replace(/:\s*$/, "").trim();
    box.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (el) {
      el.setAttribute("aria-label", name);
    });
  });
});
