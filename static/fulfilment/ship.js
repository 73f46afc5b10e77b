// The ship form of an order (fulfilment page and order page): carrier, tracking number and, when the "part of it"
// box is open, the units of this parcel. Posts to /api/v1/orders/<id>/shipments; on success the form's element
// gets a "fulfilment:shipped" event with the shipment, otherwise each error is shown under its field.
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk = global.LiveDesk || {};
  var strings = JSON.parse((document.getElementById("fulfilment-strings") || {}).textContent || "{}");
  var messages = strings.messages || {};

  function clearErrors(form) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
  }

  // Shows an error under the field it names, the field named by its label on the form (not the API's name).
  // lines[i] is the i-th line sent (lines left at 0 are not sent), so it is found, and named, by its SKU, not by
  // its place in the form.
  function showError(form, error, sent) {
    var match = /^lines\[(\d+)\]/.exec(error.field || ""), slot = null, input = null;
    var labels = LiveDesk.formLabels(form);
    if (match && sent && sent[Number(match[1])]) {
      input = form.querySelector('input[name="qty"][data-sku="' + CSS.escape(sent[Number(match[1])].sku) + '"]');
      slot = input && input.parentNode.querySelector(".field-error");
      labels[error.field] = sent[Number(match[1])].sku;
    } else if (error.field) {
      slot = form.querySelector('.field-error[data-field="' + CSS.escape(error.field) + '"]');
      input = error.field === "tracking_no" ? form.elements.tracking_no : null;
    }
    var text = LiveDesk.errorText({error: error}, labels) || error.message;
    (slot || form.querySelector(".form-error")).textContent = text || messages.failed;
    if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
  }

  function body(form) {
    var data = {carrier: form.elements.carrier.value, tracking_no: form.elements.tracking_no.value};
    var partial = form.querySelector("details.ship-lines");
    if (partial && partial.open) {
      data.lines = [];
      form.querySelectorAll('input[name="qty"]').forEach(function (input) {
        var qty = parseInt(input.value, 10);
        if (qty > 0) { data.lines.push({sku: input.dataset.sku, qty: qty}); }
      });
    }
    return data;
  }

  LiveDesk.bindShipForm = function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var data = body(form);
      if (data.lines && !data.lines.length) { showError(form, {message: messages.nothing}); return; }
      var button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      LiveDesk.send("POST", "/api/v1/orders/" + encodeURIComponent(form.dataset.orderId) + "/shipments", data)
        .then(function (answer) {
          if (answer.ok) {
            form.dispatchEvent(new CustomEvent("fulfilment:shipped", {bubbles: true, detail: answer.data}));
            form.reset();
          } else {
            showError(form, (answer.data && answer.data.error) || {}, data.lines);
          }
        }, function () { showError(form, {message: messages.offline}); })
        .then(function () { button.disabled = false; });
    });
    LiveDesk.scriptReady(form);
  };

  document.querySelectorAll("form.ship-form").forEach(LiveDesk.bindShipForm);
})(window);
