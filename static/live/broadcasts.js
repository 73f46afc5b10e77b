// Broadcast list: the date filters are days in the viewer's own zone, sent as the instants they begin and end;
// the new-broadcast form posts to /api/v1/broadcasts and opens the new broadcast's line-up page.
// API messages may quote what the user typed: they are shown with textContent, the field named by its label.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("strings").textContent);

  // "2025-03-01" -> the instant that day begins here (ISO, UTC); plusDays moves to a later midnight.
  function dayStart(value, plusDays) {
    if (!value) { return ""; }
    var parts = value.split("-").map(Number);
    var when = new Date(parts[0], parts[1] - 1, parts[2] + (plusDays || 0));
    return isNaN(when) ? "" : when.toISOString();
  }

  var filters = document.getElementById("broadcast-filters");
  filters.addEventListener("submit", function () {
    filters.elements.from.value = dayStart(filters.elements.from_date.value, 0);
    filters.elements.to.value = dayStart(filters.elements.to_date.value, 1);  // the "to" day is included
    // Empty fields stay out of the address, so a cleared filter leaves no trace.
    Array.prototype.forEach.call(filters.elements, function (field) {
      if (field.name && field.value === "") { field.disabled = true; }
    });
  });

  var form = document.getElementById("new-broadcast");
  if (!form) { return; }

  function showErrors(data) {
    var error = data.error;
    if (!error) { form.querySelector(".form-error").textContent = strings.failed; return; }
    var slot = form.querySelector('.field-error[data-field="' + CSS.escape(error.field || "") + '"]');
    // The field is named by its label on the form, not the API's name; the window of a planned start reads in
    // this zone.
    var text = window.LiveDesk.errorText(data, window.LiveDesk.formLabels(form));
    (slot || form.querySelector(".form-error")).textContent = text || strings.failed;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
    var body = {title: form.elements.title.value, platform: form.elements.platform.value};
    var planned = form.elements.planned_start_at.value;
    if (planned) {
      var when = new Date(planned);  // datetime-local is the viewer's zone; the API wants an instant
      body.planned_start_at = isNaN(when) ? planned : when.toISOString();
    }
    window.LiveDesk.send("POST", "/api/v1/broadcasts", body).then(function (result) {
      if (result.ok) { window.location.assign("/broadcasts/" + result.data.id); } else { showErrors(result.data); }
    }, function () { form.querySelector(".form-error").textContent = strings.offline; });
  });
  window.LiveDesk.scriptReady(form);
}());
