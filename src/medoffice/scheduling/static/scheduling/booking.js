// The booking form: when the type of visit changes, say when the visit ends.
// The server renders the same text; this keeps it current without a round trip.
(function () {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // The practice's time format (core/formats/en/formats.py, TIME_FORMAT "g:i A"): 2:30 PM.
  function asTime(minutesOfDay) {
    var hour = Math.floor(minutesOfDay / 60);
    var twelve = hour % 12 === 0 ? 12 : hour % 12;
    return twelve + ":" + pad(minutesOfDay % 60) + " " + (hour < 12 ? "AM" : "PM");
  }

  function update(select) {
    var form = select.form;
    var end = form && form.querySelector("[data-visit-end]");
    if (!end) return;
    var option = select.options[select.selectedIndex];
    var minutes = option ? parseInt(option.getAttribute("data-minutes"), 10) : NaN;
    var start = parseInt(end.getAttribute("data-start-minutes"), 10);
    if (isNaN(minutes) || isNaN(start)) {
      end.textContent = "—";
      return;
    }
    var at = (start + minutes) % 1440;
    end.textContent = asTime(at);
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-visit-type")) {
      update(target);
    }
  });

  // A choice made while this script was still loading has fired its change event
  // before anyone listened: bring every end time in line with its select now.
  var selects = document.querySelectorAll("select[data-visit-type]");
  for (var i = 0; i < selects.length; i++) {
    update(selects[i]);
  }
})();
