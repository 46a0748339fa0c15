// Small behaviours of the pages, bound by data attributes: the Content-Security-Policy allows no
// inline script, so no onclick="…" in the templates. Delegated from the document, so they also
// work in HTML that HTMX swaps in later.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-nav]");
    if (toggle) {
      document.body.classList.toggle("nav-open");
    }
    var all = event.target.closest("input[data-check-all]");
    if (all) {
      var name = all.getAttribute("data-check-all");
      document.querySelectorAll("input[name='" + name + "']").forEach(function (box) {
        box.checked = all.checked;
      });
    }
    // A suggestion the user accepts (摘要の候補): copy its value into the named field.
    var fill = event.target.closest("[data-fill-target]");
    if (fill) {
      var field = document.getElementById(fill.getAttribute("data-fill-target"));
      if (field) {
        field.value = fill.getAttribute("data-fill-value");
      }
    }
  });
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
