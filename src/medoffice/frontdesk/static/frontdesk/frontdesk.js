// Front desk pages: colours from data-color, arrow-key moves in the day/week grid,
// print buttons, and a flow board that does not refresh under the user's hands.
// Loaded as a file: the CSP allows no inline script or style attributes, but a
// script may set element.style.
(function () {
  "use strict";

  function readableText(hex) {
    var r = parseInt(hex.substr(1, 2), 16);
    var g = parseInt(hex.substr(3, 2), 16);
    var b = parseInt(hex.substr(5, 2), 16);
    var luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    return luminance > 0.6 ? "#111" : "#fff";
  }

  function applyColours(root) {
    var nodes = (root || document).querySelectorAll("[data-color]");
    Array.prototype.forEach.call(nodes, function (el) {
      var colour = el.getAttribute("data-color");
      if (!/^#[0-9a-fA-F]{6}$/.test(colour)) { return; }
      el.style.backgroundColor = colour;
      if (el.classList.contains("fd-appt")) { el.style.color = readableText(colour); }
    });
  }

  // Day and week grid: each visit at its place in its cell (per cent: top, height, left,
  // width), so the rows keep one height and a visit's length is drawn to scale.
  function placeVisits(root) {
    var nodes = (root || document).querySelectorAll("[data-place]");
    Array.prototype.forEach.call(nodes, function (el) {
      var p = el.getAttribute("data-place").split(",").map(parseFloat);
      if (p.length !== 4 || p.some(isNaN)) { return; }
      el.style.top = p[0] + "%";
      el.style.height = p[1] + "%";
      el.style.left = p[2] + "%";
      el.style.width = p[3] + "%";
    });
  }

  // Arrow keys move between the grid's open times and visits; Enter follows the link.
  function gridItems(grid) {
    return Array.prototype.map.call(grid.querySelectorAll("a[data-r]"), function (el) {
      return {
        el: el,
        r: parseInt(el.getAttribute("data-r"), 10),
        c: parseInt(el.getAttribute("data-c"), 10),
        span: parseInt(el.getAttribute("data-span") || "1", 10)
      };
    });
  }

  function findNext(items, current, key) {
    var best = null;
    var bestScore = Infinity;
    items.forEach(function (item) {
      if (item.el === current.el) { return; }
      var score = null;
      if (key === "ArrowDown" && item.c === current.c && item.r > current.r) {
        score = item.r - current.r;
      } else if (key === "ArrowUp" && item.c === current.c && item.r < current.r) {
        score = current.r - item.r;
      } else if ((key === "ArrowRight" || key === "ArrowLeft") && item.c === current.c + (key === "ArrowRight" ? 1 : -1)) {
        var covers = item.r <= current.r && current.r < item.r + item.span;
        score = covers ? 0 : Math.abs(item.r - current.r) + 1;
      }
      if (score !== null && score < bestScore) { best = item; bestScore = score; }
    });
    return best;
  }

  document.addEventListener("keydown", function (event) {
    var keys = ["ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight"];
    if (keys.indexOf(event.key) < 0) { return; }
    var target = event.target;
    if (!target.closest) { return; }
    var grid = target.closest("[data-fd-grid]");
    if (!grid || !target.hasAttribute("data-r")) { return; }
    var items = gridItems(grid);
    var current = items.filter(function (i) { return i.el === target; })[0];
    if (!current) { return; }
    var next = findNext(items, current, event.key);
    if (next) {
      event.preventDefault();
      next.el.focus();
    }
  });

  // Print buttons on the receipt.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });

  // The flow board polls every 15 s and replaces itself. A refresh must never undo what
  // the user is doing: it is skipped while a control of the board has the focus, and a
  // control the user has changed (a room picked, then the focus moved on) keeps its value
  // across the swap, for as long as the new board still offers it.
  function board() { return document.getElementById("flow-board"); }

  function changed(select) {
    return Array.prototype.some.call(select.options, function (option) {
      return option.selected !== option.defaultSelected;
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var flow = board();
    if (!flow || event.detail.elt !== flow) { return; }
    var active = document.activeElement;
    if (active && flow.contains(active) && /^(SELECT|INPUT|TEXTAREA)$/.test(active.tagName)) {
      event.preventDefault();
    }
  });

  var keep = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var flow = board();
    if (!flow || event.detail.target !== flow) { return; }
    keep = [];
    Array.prototype.forEach.call(flow.querySelectorAll("select[id]"), function (select) {
      if (changed(select)) { keep.push({ id: select.id, value: select.value }); }
    });
  });

  document.addEventListener("htmx:afterSwap", function () {
    if (!keep) { return; }
    keep.forEach(function (saved) {
      var select = document.getElementById(saved.id);
      if (!select || !(select instanceof HTMLSelectElement)) { return; }
      var offered = Array.prototype.some.call(select.options, function (option) {
        return option.value === saved.value;
      });
      if (offered) { select.value = saved.value; }
    });
    keep = null;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    applyColours(event.target);
    placeVisits(event.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      applyColours(document);
      placeVisits(document);
    });
  } else {
    applyColours(document);
    placeVisits(document);
  }
})();
