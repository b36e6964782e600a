// Show the merge target only for "merge" and the reason only for "dismiss"; the server validates anyway.
(function () {
  var form = document.getElementById("triage-form");
  if (!form) return;
  var rows = form.querySelectorAll("[data-show-for]");
  var first = true;
  function update() {
    var checked = form.querySelector("input[name=decision]:checked");
    var decision = checked ? checked.value : "";
    rows.forEach(function (row) {
      var show = row.getAttribute("data-show-for") === decision || (first && row.classList.contains("has-error"));
      row.hidden = !show;
    });
    first = false;
  }
  form.addEventListener("change", update);
  update();
})();
