// The charge form: when a line's procedure code is chosen or its units change, the charge
// fills in from the fee schedule (standard charge × units), unless the user typed one.
(function () {
  "use strict";
  function setUp() {
    var form = document.querySelector("[data-charges-form]");
    if (!form) { return; }
    var url = form.getAttribute("data-price-url");
    var on = form.getAttribute("data-on");
    function line(n, what) { return form.querySelector("[data-" + what + "=\"" + n + "\"]"); }
    function fill(n) {
      var code = line(n, "charge-code");
      var charge = line(n, "charge");
      var units = line(n, "units");
      if (!code || !charge || !code.value || charge.getAttribute("data-typed") === "true") { return; }
      var mods = form.querySelector("[name=\"line_" + n + "_modifiers\"]");
      var query = "?code=" + encodeURIComponent(code.value) + "&on=" + encodeURIComponent(on) +
        "&units=" + encodeURIComponent((units && units.value) || "1") +
        "&modifiers=" + encodeURIComponent(mods ? mods.value : "");
      fetch(url + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (body && body.charge !== null && charge.getAttribute("data-typed") !== "true") {
            charge.value = body.charge;
            charge.setAttribute("data-filled", "true");
          }
        }).catch(function () { /* the server fills it on save */ });
    }
    form.addEventListener("change", function (event) {
      var t = event.target;
      if (t.hasAttribute("data-charge-code")) { fill(t.getAttribute("data-charge-code")); }
      else if (t.hasAttribute("data-units")) { fill(t.getAttribute("data-units")); }
      else if (t.name && /_modifiers$/.test(t.name)) { fill(t.name.split("_")[1]); }
    });
    form.addEventListener("input", function (event) {
      if (event.target.hasAttribute("data-charge")) { event.target.setAttribute("data-typed", event.target.value ? "true" : "false"); }
    });
    form.querySelectorAll("[data-charge]").forEach(function (el) {
      if (el.value) { el.setAttribute("data-typed", "true"); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", setUp); } else { setUp(); }
})();
