// Look-up page: the date filters are days in the viewer's own time zone. On submit each chosen day is sent as
// an ISO-8601 time with the browser's offset (the start of the "from" day, the end of the "to" day), so the
// server compares instants; without JavaScript the days are read as UTC days.
(function () {
  "use strict";
  var form = document.getElementById("lookup-filters");
  if (!form) { return; }

  function offset(date) {
    var minutes = -date.getTimezoneOffset(), sign = minutes < 0 ? "-" : "+";
    minutes = Math.abs(minutes);
    return sign + String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0");
  }

  function instant(day, edge) {
    var parts = day.split("-").map(Number);
    var local = edge === "end" ? new Date(parts[0], parts[1] - 1, parts[2], 23, 59, 59, 999)
                               : new Date(parts[0], parts[1] - 1, parts[2], 0, 0, 0, 0);
    var clock = edge === "end" ? "T23:59:59.999" : "T00:00:00";
    return day + clock + offset(local);
  }

  form.addEventListener("submit", function () {
    form.querySelectorAll("input[type=date][data-edge]").forEach(function (input) {
      if (!input.value) { input.removeAttribute("name"); return; }
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = input.name;
      hidden.value = instant(input.value, input.dataset.edge);
      input.removeAttribute("name");
      form.appendChild(hidden);
    });
    // Empty filters stay out of the address, so links to a search stay short and readable.
    form.querySelectorAll("select, input[type=search]").forEach(function (field) {
      if (!field.value) { field.removeAttribute("name"); }
    });
  });
})();
