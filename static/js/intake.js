// Show the reporter's identity fields only for a named report (the form works without this script).
(function () {
  var form = document.getElementById("report-form");
  if (!form) return;
  var named = form.querySelector("[data-named]");
  function sync() {
    var checked = form.querySelector("input[name=anonymous]:checked");
    named.hidden = !checked || checked.value === "1";
  }
  form.querySelectorAll("input[name=anonymous]").forEach(function (input) { input.addEventListener("change", sync); });
  sync();
})();
