// MedOffice page behaviour. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";
  // Idle log-off (HIPAA 164.312(a)(2)(iii)): the server ends the session after the
  // practice's idle time; the page warns a minute before and then goes to log-in.
  function startIdleTimer() {
    var body = document.body;
    var seconds = parseInt(body.dataset.idleSeconds || "0", 10);
    if (!seconds) { return; }
    var warnAt = Math.max(seconds - 60, Math.floor(seconds / 2));
    var lastActivity = Date.now();
    var warning = null;
    function reset() {
      lastActivity = Date.now();
      if (warning) { warning.remove(); warning = null; }
    }
    ["keydown", "mousedown", "touchstart"].forEach(function (name) {
      document.addEventListener(name, reset, { passive: true });
    });
    // Background polling (the flow board) sends X-Idle-Poll and is not activity.
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var config = event.detail && event.detail.requestConfig;
      var headers = (config && config.headers) || {};
      if (headers["X-Idle-Poll"] !== "1") { reset(); }
    });
    setInterval(function () {
      var idle = (Date.now() - lastActivity) / 1000;
      if (idle >= seconds) {
        var login = body.dataset.loginUrl + "?next=" + encodeURIComponent(location.pathname + location.search);
        window.location.assign(login);
      } else if (idle >= warnAt && !warning) {
        warning = document.createElement("div");
        warning.className = "alert alert-warning idle-warning shadow";
        warning.setAttribute("role", "alert");
        warning.textContent = "You will be logged off soon because of inactivity. Press any key to stay.";
        document.body.appendChild(warning);
      }
    }, 1000);
  }
  // Elements with data-confirm ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // A date picker holding a day the month lacks (30 February) sends nothing, which the
  // server would take for a blank; it sends "not-a-date" instead (core.forms.TypedDateField).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.querySelectorAll) { return; }
    form.querySelectorAll("input[data-bad-date]").forEach(function (old) { old.remove(); });
    form.querySelectorAll("input[type=date]").forEach(function (input) {
      if (!input.name || !input.validity || !input.validity.badInput) { return; }
      var marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = input.name;
      marker.value = "not-a-date";
      marker.setAttribute("data-bad-date", "");
      input.insertAdjacentElement("afterend", marker);
    });
  });
  // Elements with data-copy copy their target's text.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (target && navigator.clipboard) { navigator.clipboard.writeText(target.textContent.trim()); }
  });
  // A form shown again with errors (core/_form_fields.html): its summary at the top
  // links to each field; the cursor starts in the first field to fix.
  var FOCUSABLE = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
  function focusField(group) {
    if (!group) { return false; }
    var input = group.matches && group.matches(FOCUSABLE) ? group : group.querySelector(FOCUSABLE);
    if (!input) { return false; }
    input.focus();
    if (input.scrollIntoView) { input.scrollIntoView({ block: "center" }); }
    return true;
  }
  function focusFirstError() {
    var summary = document.querySelector("[data-form-errors]");
    if (!summary) { return; }
    var form = summary.closest("form") || document;
    var first = form.querySelector(".has-error");
    if (!focusField(first)) { summary.focus(); }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-focus-field]");
    if (!link) { return; }
    if (focusField(document.getElementById(link.getAttribute("data-focus-field")))) {
      event.preventDefault();
    }
  });
  function ready() {
    startIdleTimer();
    focusFirstError();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
