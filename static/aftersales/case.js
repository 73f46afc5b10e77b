// The case page's actions: each button opens its confirm dialog (templates/aftersales/_case_dialogs.html), the
// dialog's form goes to the API with the version the page shows, and the page reloads to show the case as it now
// is. An error stays in the dialog, under the field it names (a 422 naming amount: under the amount).
(function () {
  "use strict";
  var D = window.LiveDesk, F = window.AftersalesForms;
  var S = JSON.parse(document.getElementById("aftersales-config").textContent).strings;
  var root = document.getElementById("aftersales-case");
  var base = "/api/v1/aftersales/" + encodeURIComponent(root.dataset.caseId);
  var version = Number(root.dataset.version);
  var PATHS = {ship_return: "/return-shipment", ship_replacement: "/replacement", refund: "/refunds"};
  var REQUIRED = {reason: S.reasonRequired, carrier: S.parcelRequired, tracking: S.parcelRequired,
                  amount: S.amountRequired};
  var settling = null;  // the refund id a payout dialog is about

  function open(action) {
    var dialog = document.getElementById("dialog-" + action);
    var form = dialog.querySelector("form");
    F.clearErrors(form);
    dialog.showModal();
    var first = form.querySelector("input:not([type=checkbox]), select, textarea");
    if (first) { first.focus(); }
  }

  function value(form, name) {
    var field = form.elements[name];
    return field ? String(field.value).trim() : "";
  }

  // The request body of a dialog's form, or null after showing what is missing. sent: the SKUs of the lines sent.
  function body(form, action, sent) {
    var data = {}, missing = false;
    ["reason", "responsibility", "carrier", "tracking", "amount", "freight"].forEach(function (name) {
      var field = form.elements[name];
      if (!field) { return; }
      var text = value(form, name);
      if (text) { data[name] = text; }
      if (!text && field.required && !missing) {
        F.showError(form, name, REQUIRED[name] || S.failed);
        missing = true;
      }
    });
    if (missing) { return null; }
    var perLine = form.elements.per_line;
    var fieldset = form.querySelector("fieldset.line-inputs");
    if (fieldset && (!perLine || perLine.checked)) {
      data.lines = F.lines(fieldset, action === "inspect");
      data.lines.forEach(function (line) { sent.push(line.sku); });
      if (!data.lines.length) {
        F.showError(form, "lines", S.unitsRequired);
        return null;
      }
    }
    var swaps = form.querySelector("fieldset.exchange-lines");
    if (swaps) {
      var chosen = {};
      swaps.querySelectorAll(".exchange-line").forEach(function (line) {
        var qty = parseInt(line.querySelector('[name="exchange_qty"]').value, 10) || 0;
        var sku = line.querySelector('[name="exchange_sku"]').value;
        if (qty > 0) { chosen[sku] = (chosen[sku] || 0) + qty; }
      });
      data.lines = Object.keys(chosen).map(function (sku) { sent.push(sku); return {sku: sku, qty: chosen[sku]}; });
      if (!data.lines.length) {
        F.showError(form, "lines", S.unitsRequired);
        return null;
      }
    }
    if (form.elements.pending && form.elements.pending.checked) { data.status = "pending"; }
    if (action !== "succeed" && action !== "fail") { data.version = version; }
    return data;
  }

  function path(action) {
    if (action === "succeed" || action === "fail") {
      return base + "/refunds/" + encodeURIComponent(settling) + "/" + action;
    }
    return base + (PATHS[action] || "/" + action);
  }

  document.querySelectorAll(".action-dialog form").forEach(function (form) {
    var dialog = form.closest("dialog");
    form.querySelector(".dialog-cancel").addEventListener("click", function () { dialog.close(); });
    var reveal = form.querySelector("[data-reveals]");
    if (reveal) {
      reveal.addEventListener("change", function () {
        document.getElementById(reveal.dataset.reveals).hidden = !reveal.checked;
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      F.clearErrors(form);
      var action = form.dataset.action, sent = [];
      var data = body(form, action, sent);
      if (data === null) { return; }
      F.submit(form, "POST", path(action), data, S, sent).then(function (result) {
        if (result) { window.location.reload(); }
      });
    });
  });

  document.querySelectorAll("[data-open]").forEach(function (button) {
    button.addEventListener("click", function () { open(button.dataset.open); });
  });

  // A button outside the dialogs reports a refusal in its own slot: the header's buttons (claim) under the
  // actions, the ledger's (Payout done) under the refunds, which an ended case shows too.
  var actionError = document.getElementById("action-error");
  var ledgerError = document.getElementById("ledger-error");

  function act(method, target, slot) {
    if (slot) { slot.textContent = ""; }
    return D.send(method, target).then(function (result) {
      if (result.ok) { window.location.reload(); return; }
      var message = F.errorText(result.data && result.data.error, S, S.failed);
      if (slot) { slot.textContent = message; }
    }, function () { if (slot) { slot.textContent = S.offline; } });
  }

  document.querySelectorAll("[data-claim]").forEach(function (button) {
    button.addEventListener("click", function () { act("POST", base + "/" + button.dataset.claim, actionError); });
  });

  document.querySelectorAll("[data-settle]").forEach(function (button) {
    button.addEventListener("click", function () {
      settling = button.dataset.refund;
      if (button.dataset.settle === "fail") { open("fail"); return; }
      act("POST", path("succeed"), ledgerError);
    });
  });
  D.scriptReady(document.getElementById("case-actions"));
  D.scriptReady(document.getElementById("refunds"));
})();
