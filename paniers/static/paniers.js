// Behaviour the pages ask for with data- attributes: no script inline in a page
// (the Content-Security-Policy runs only this site's files).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) { field.form.submit(); }
});
