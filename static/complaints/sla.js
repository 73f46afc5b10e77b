// The SLA policy form (admins): reads the targets and the calendar from the form and PUTs them to
// /api/v1/complaints/sla-policy; an error names its field.
(function (global) {
  "use strict";
  var form = document.getElementById("sla-form");
  var SEVERITIES = ["urgent", "high", "normal", "low"];
  var DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

  function list(text) {
    return text.split(/[,，\s]+/).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  function body() {
    var policies = {}, hours = {};
    SEVERITIES.forEach(function (s) {
      policies[s] = {first_response_minutes: Number(form.elements[s + ".first_response_minutes"].value),
                     resolution_minutes: Number(form.elements[s + ".resolution_minutes"].value)};
    });
    DAYS.forEach(function (d) { hours[d] = list(form.elements["hours." + d].value); });
    return {policies: policies, calendar: {zone: form.elements.zone.value.trim(), hours: hours,
                                           holidays: list(form.elements.holidays.value),
                                           makeup_workdays: list(form.elements.makeup_workdays.value),
                                           makeup_weekday: form.elements.makeup_weekday.value}};
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var saved = document.getElementById("sla-saved"), error = document.getElementById("sla-error");
    saved.textContent = error.textContent = "";
    global.LiveDesk.send("PUT", "/api/v1/complaints/sla-policy", body()).then(function (result) {
      if (result.ok) { saved.textContent = saved.dataset.saved || "✓"; return; }
      var e = (result.data && result.data.error) || {};
      error.textContent = (e.field ? e.field + ": " : "") + (e.message || "");
    });
  });
  global.LiveDesk.scriptReady(form);
})(window);
