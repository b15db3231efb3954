// The admin's language switch applies the language chosen (a script file: the
// Content-Security-Policy allows no inline handler).
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("language-switch");
  if (select) {
    select.addEventListener("change", () => select.form.submit());
  }
});
