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
    // The first control the user can see: a chosen patient's hidden search box is not one
    // (its "Change" button is).
    var input = group.matches && group.matches(FOCUSABLE) && visible(group) ? group : firstControl(group);
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

  // Type-ahead search boxes (ARIA combobox with a listbox): [data-combobox] holds an input
  // [data-combobox-input] and a container [data-combobox-results]; after two characters and a
  // pause in typing (one request, so one audit entry, per pause) the results of
  // data-combobox-url?q=… fill the container: elements with role=option, data-value and
  // data-label. Arrow keys move, Enter chooses, Escape closes. data-combobox="go" follows the
  // chosen option's link (the navbar's search); "pick" writes data-value into the hidden
  // input [data-combobox-value] and shows data-label in [data-combobox-chosen] with a
  // "Change" button (the patient picker). Elements marked [data-combobox-fallback] serve
  // pages without this script (a plain search submit) and are removed.
  var TYPE_AHEAD_MIN = 2;
  var TYPE_AHEAD_PAUSE_MS = 300;
  var comboboxCount = 0;
  function setUpCombobox(root) {
    var mode = root.getAttribute("data-combobox");
    var input = root.querySelector("[data-combobox-input]");
    var results = root.querySelector("[data-combobox-results]");
    if (!input || !results) { return; }
    var url = root.getAttribute("data-combobox-url");
    var value = root.querySelector("[data-combobox-value]");
    var chosen = root.querySelector("[data-combobox-chosen]");
    var chosenLabel = root.querySelector("[data-combobox-chosen-label]");
    var change = root.querySelector("[data-combobox-change]");
    var search = root.querySelector("[data-combobox-search]");
    var prefix = (results.id || "combobox-" + (++comboboxCount)) + "-option-";
    if (!results.id) { results.id = prefix + "list"; }
    var timer = null;
    var asked = "";
    var sequence = 0;
    var active = -1;
    var previous = null;  // the patient chosen before "Change", restored by Escape
    root.querySelectorAll("[data-combobox-fallback]").forEach(function (el) { el.remove(); });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", results.id);
    input.setAttribute("aria-expanded", "false");
    function options() {
      return Array.prototype.slice.call(results.querySelectorAll("[role=option]"));
    }
    function close() {
      results.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
        option.classList.toggle("active", i === active);
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }
    function show(html) {
      results.innerHTML = html;
      if (mode === "pick") {
        results.querySelectorAll("[data-combobox-more]").forEach(function (el) { el.remove(); });
      }
      options().forEach(function (option, i) {
        option.id = prefix + i;
        option.setAttribute("tabindex", "-1");
      });
      active = -1;
      var open = results.children.length > 0;
      results.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
    }
    function ask() {
      var query = input.value.trim();
      if (query.length < TYPE_AHEAD_MIN) { asked = ""; show(""); return; }
      if (query === asked) { return; }
      asked = query;
      var mine = ++sequence;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "HX-Request": "true", "Accept": "text/html" }
      }).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (html) {
        if (mine === sequence && document.activeElement === input) { show(html); }
      }).catch(function () { asked = ""; });
    }
    function showChosen(label) {
      if (!chosen) { return; }
      if (chosenLabel) { chosenLabel.textContent = label; }
      chosen.hidden = false;
      chosen.classList.add("d-flex");
      if (search) { search.hidden = true; }
    }
    function choose(option) {
      if (mode !== "pick") {
        if (option.href) { window.location.assign(option.href); }
        return;
      }
      value.value = option.getAttribute("data-value");
      value.dispatchEvent(new Event("change", { bubbles: true }));
      previous = null;
      close();
      showChosen(option.getAttribute("data-label"));
      if (change) { change.focus(); }
    }
    if (mode === "pick" && value) {
      value.disabled = false;
      if (value.value) { showChosen(chosenLabel ? chosenLabel.textContent : ""); }
    }
    if (change) {
      change.addEventListener("click", function () {
        previous = { value: value.value, label: chosenLabel ? chosenLabel.textContent : "" };
        value.value = "";
        chosen.hidden = true;
        chosen.classList.remove("d-flex");
        if (search) { search.hidden = false; }
        input.focus();
        input.select();
      });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      if (input.value.trim().length < TYPE_AHEAD_MIN) { asked = ""; sequence++; show(""); return; }
      timer = setTimeout(ask, TYPE_AHEAD_PAUSE_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !results.hidden && options().length > 0;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) {
          if (results.children.length) { results.hidden = false; input.setAttribute("aria-expanded", "true"); }
          else { clearTimeout(timer); asked = ""; ask(); return; }
        }
        highlight(event.key === "ArrowDown" ? active + 1 : active - 1);
      } else if (event.key === "Enter") {
        var all = options();
        if (open && active >= 0 && all[active]) {
          event.preventDefault();
          choose(all[active]);
        } else if (mode === "pick") {
          // Enter in the picker's search box searches; it never submits the form.
          event.preventDefault();
          clearTimeout(timer);
          asked = "";
          ask();
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (previous && previous.value) {
          event.preventDefault();
          value.value = previous.value;
          showChosen(previous.label);
          previous = null;
          if (change) { change.focus(); }
        }
      }
    });
    results.addEventListener("mousedown", function (event) { event.preventDefault(); });
    results.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) { return; }
      if (mode === "pick" || !option.hasAttribute("data-combobox-more")) {
        event.preventDefault();
        choose(option);
      }
    });
    root.addEventListener("focusout", function (event) {
      if (!root.contains(event.relatedTarget)) { close(); }
    });
  }
  // Forms marked data-keep-focus: after the page comes back from the server (a refusal,
  // a check of the dates), the cursor goes to the first field with an error, else back to
  // the field or button the user submitted from, instead of the top of the page.
  var FOCUS_KEY = "medoffice.focus";
  function focusTarget(el) {
    if (!el) { return ""; }
    if (el.id) { return "#" + CSS.escape(el.id); }
    if (el.name) {
      var selector = "[name=\"" + CSS.escape(el.name) + "\"]";
      if (el.value && el.tagName === "BUTTON") { selector += "[value=\"" + CSS.escape(el.value) + "\"]"; }
      return selector;
    }
    return "";
  }
  function visible(el) { return el && !el.disabled && el.getClientRects().length > 0; }
  function firstControl(container) {
    var controls = container.querySelectorAll("input:not([type=hidden]), select, textarea, button");
    for (var i = 0; i < controls.length; i++) { if (visible(controls[i])) { return controls[i]; } }
    return null;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-keep-focus") || event.defaultPrevented) { return; }
    var from = event.submitter && event.submitter.classList.contains("d-none") ? document.activeElement : (event.submitter || document.activeElement);
    try {
      sessionStorage.setItem(FOCUS_KEY, JSON.stringify({ path: location.pathname, target: focusTarget(from) }));
    } catch (e) { /* storage refused: focus simply starts at the top */ }
  });
  function restoreFocus() {
    var form = document.querySelector("form[data-keep-focus]");
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(FOCUS_KEY) || "null");
      sessionStorage.removeItem(FOCUS_KEY);
    } catch (e) { saved = null; }
    if (!form || !saved || saved.path !== location.pathname) { return; }
    var error = form.querySelector("[data-field-error]");
    var target = error ? firstControl(error.parentElement) : null;
    if (!target && saved.target) {
      var matches = Array.prototype.slice.call(form.querySelectorAll(saved.target));
      target = matches.filter(visible)[0] || null;
      if (!target && matches.length) { target = firstControl(matches[0].closest(".mb-3") || form); }
    }
    if (target) { target.focus(); }
  }
  function setUp() {
    document.querySelectorAll("[data-combobox]").forEach(setUpCombobox);
    startIdleTimer();
    // A form shown again with errors puts the cursor in its first field to fix; otherwise
    // the page puts it back where the user was (restoreFocus).
    if (document.querySelector("[data-form-errors]")) {
      // The errors decide where the cursor goes; a remembered place is for the next page.
      try { sessionStorage.removeItem(FOCUS_KEY); } catch (e) { /* storage off */ }
      focusFirstError();
    } else {
      restoreFocus();
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
