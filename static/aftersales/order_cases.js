// The order page's "Open a case" form: sends type, reason, the units chosen (none: the API takes every unit not in
// a case yet), the amount asked and a note to POST /api/v1/orders/<id>/aftersales, then opens the new case.
(function () {
  "use strict";
  var F = window.AftersalesForms;
  var form = document.getElementById("open-case-form");
  if (!form) { return; }
  var S = JSON.parse(document.getElementById("aftersales-config").textContent).strings;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    F.clearErrors(form);
    var data = {type: form.elements.type.value, reason: form.elements.reason.value};
    var lines = F.lines(form.querySelector("fieldset.line-inputs"), false), sent = [];
    if (lines.length) {
      data.lines = lines;
      lines.forEach(function (line) { sent.push(line.sku); });
    }
    ["amount", "note"].forEach(function (name) {
      var text = String(form.elements[name].value).trim();
      if (text) { data[name] = text; }
    });
    var path = "/api/v1/orders/" + encodeURIComponent(form.dataset.orderId) + "/aftersales";
    F.submit(form, "POST", path, data, S, sent).then(function (result) {
      if (result) { window.location.assign("/aftersales/" + encodeURIComponent(result.data.case_id)); }
    });
  });
  window.LiveDesk.scriptReady(form);
})();
