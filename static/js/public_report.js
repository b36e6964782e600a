// Public report page: show the identity fields only for a named report, and a print button.
// Both pages work without this script (all fields shown; print from the browser menu).
(function () {
  var form = document.getElementById("report-form");
  if (form) {
    var named = form.querySelector("[data-named]");
    var hint = form.querySelector(".pub-nojs");
    if (hint) hint.hidden = true;
    var sync = function () {
      var checked = form.querySelector("input[name=anonymous]:checked");
      named.hidden = !checked || checked.value === "1";
    };
    form.querySelectorAll("input[name=anonymous]").forEach(function (input) {
      input.addEventListener("change", sync);
    });
    sync();
  }
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
