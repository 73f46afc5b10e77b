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

  // The form's control of an API field: policies.urgent.first_response_minutes is "urgent.first_response_minutes",
  // calendar.holidays[2] is "holidays", calendar.hours.mon[0] is "hours.mon"; null when no one control holds it.
  function controlOf(field) {
    if (!field) { return null; }
    var name = field.replace(/^(policies|calendar)\./, "").replace(/\[\d+\]$/, "");
    return form.elements[name] instanceof Element ? form.elements[name] : null;
  }

  // What the page calls a field: its control's label (a target's is "Severity · Target"), else the API's path.
  function nameOf(field, control) {
    if (!control) { return field; }
    var text = control.getAttribute("aria-label") || global.LiveDesk.labelText(control.labels && control.labels[0]);
    var item = /\[(\d+)\]$/.exec(field);
    return (text || field) + (item ? " #" + (Number(item[1]) + 1) : "");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var saved = document.getElementById("sla-saved"), error = document.getElementById("sla-error");
    saved.textContent = error.textContent = "";
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
    global.LiveDesk.send("PUT", "/api/v1/complaints/sla-policy", body()).then(function (result) {
      if (result.ok) { saved.textContent = saved.dataset.saved || "✓"; return; }
      var e = (result.data && result.data.error) || {};
      var control = controlOf(e.field);
      error.textContent = (e.field ? nameOf(e.field, control) + ": " : "") + (e.message || "");
      if (control) { control.setAttribute("aria-invalid", "true"); control.focus(); }
    });
  });
  global.LiveDesk.scriptReady(form);
})(window);
