// Names the admin's autocomplete boxes (Select2) for screen readers: Select2 hides the
// labelled <select> and shows a combobox named only by the chosen value, which is empty
// on a new form (axe "aria-input-field-name"). The combobox is named by the field's
// label, then the value. Runs after the admin's autocomplete.js built the boxes.
window.addEventListener("load", function () {
  document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    var box = select.nextElementSibling;
    if (!label || !box) return;
    if (!label.id) label.id = select.id + "-label";
    box.querySelectorAll("[role=combobox]").forEach(function (el) {
      var value = el.getAttribute("aria-labelledby");
      el.setAttribute("aria-labelledby", label.id + (value ? " " + value : ""));
    });
    box.querySelectorAll("[role=textbox]").forEach(function (el) {
      el.setAttribute("aria-label", label.textContent.replace(/:\s*$/, "").trim());
    });
  });
});
