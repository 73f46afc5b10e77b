// Claims reconciliation page: one-click payment reminders (催付) and the claim policy form.
(function () {
  "use strict";
  var D = window.LiveDesk;
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var page = document.getElementById("reconciliation");
  var broadcastId = page.dataset.broadcastId;
  var status = document.getElementById("remind-status");

  function errorText(result) {
    return (result.data && result.data.error && result.data.error.message) || strings.failed;
  }

  // Sends the reminders; each reminded row shows it and its button is disabled (a second click is skipped anyway).
  function remind(orderIds, buttons) {
    buttons.forEach(function (button) { button.disabled = true; });
    return D.send("POST", "/api/v1/broadcasts/" + broadcastId + "/reminders", {order_ids: orderIds}).then(function (result) {
      if (!result.ok) {
        buttons.forEach(function (button) { button.disabled = false; });
        if (status) { status.textContent = errorText(result); }
        return;
      }
      result.data.queued.forEach(function (orderId) {
        var row = page.querySelector('tr[data-order-id="' + CSS.escape(orderId) + '"] .reminded');
        if (row) { row.textContent = strings.sent; }
      });
      if (status) {
        status.textContent = strings.sent + ": " + result.data.queued.length +
          (result.data.skipped.length ? " · " + strings.skipped + ": " + result.data.skipped.length : "");
      }
    }, function () {
      buttons.forEach(function (button) { button.disabled = false; });
      if (status) { status.textContent = strings.failed; }
    });
  }

  page.addEventListener("click", function (event) {
    var button = event.target.closest("button.remind");
    if (button) { remind([button.dataset.orderId], [button]); }
  });
  // Cancels a claim's draft order: its units go to the next claim or order in line (the server does that).
  page.addEventListener("click", function (event) {
    var button = event.target.closest("button.cancel-draft");
    if (!button) { return; }
    var cancelStatus = document.getElementById("cancel-status");
    var commentId = button.dataset.commentId;
    button.disabled = true;
    D.send("POST", "/api/v1/broadcasts/" + broadcastId + "/claims/" + encodeURIComponent(commentId) + "/cancel", {})
      .then(function (result) {
        if (!result.ok) {
          button.disabled = false;
          cancelStatus.textContent = errorText(result);
          return;
        }
        var cell = button.closest("tr").querySelector(".draft-stock");
        if (cell) { cell.textContent = strings.draft_cancelled; }
        cancelStatus.textContent = strings.draft_cancelled + ": " + commentId;
      }, function () {
        button.disabled = false;
        cancelStatus.textContent = strings.failed;
      });
  });
  var all = document.getElementById("remind-all");
  if (all) {
    all.addEventListener("click", function () {
      var buttons = Array.prototype.slice.call(page.querySelectorAll("button.remind")).slice(0, 200);
      remind(buttons.map(function (b) { return b.dataset.orderId; }), buttons.concat([all]));
    });
  }

  var form = document.getElementById("claim-policy-form");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var saved = document.getElementById("policy-saved");
    var error = form.querySelector(".form-error");
    saved.textContent = "";
    error.textContent = "";
    var body = {mode: form.elements.mode.value};
    ["hold_minutes", "max_qty"].forEach(function (name) {
      var raw = form.elements[name].value.trim();
      body[name] = /^\d+$/.test(raw) ? parseInt(raw, 10) : raw;
    });
    D.send("PUT", "/api/v1/broadcasts/" + broadcastId + "/claim-policy", body).then(function (result) {
      if (result.ok) { saved.textContent = strings.saved; } else { error.textContent = errorText(result); }
    }, function () { error.textContent = strings.failed; });
  });
  D.scriptReady(page);  // Remind, Remind all, Cancel draft, Save policy
})();
