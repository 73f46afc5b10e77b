// Claims reconciliation page: one-click payment reminders (催付) and the claim policy form (both only for the
// roles that may use them: the template leaves them out for the others).
(function () {
  "use strict";
  var D = window.LiveDesk;
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var page = document.getElementById("reconciliation");
  var broadcastId = page.dataset.broadcastId;
  var status = document.getElementById("remind-status");
  var all = document.getElementById("remind-all");

  function errorText(result) {
    return (result.data && result.data.error && result.data.error.message) || strings.failed;
  }

  // The API takes at most this many orders a request (orders/claims/reminders.py MAX_REMINDERS, a contract):
  // Remind all sends the list in chunks of it.
  var REMIND_LIMIT = 200;

  function summary(tally) {
    return strings.sent + ": " + tally.queued + (tally.skipped ? " · " + strings.skipped + ": " + tally.skipped : "");
  }

  // Resolves with {queued, skipped, error} after one reminders request: each reminded row shows it and its button
  // stays disabled; the buttons of a failed request are enabled again.
  function sendReminders(orderIds, buttons) {
    buttons.forEach(function (button) { button.disabled = true; });
    return D.send("POST", "/api/v1/broadcasts/" + broadcastId + "/reminders", {order_ids: orderIds}).then(function (result) {
      if (!result.ok) {
        buttons.forEach(function (button) { button.disabled = false; });
        return {queued: 0, skipped: 0, error: errorText(result)};
      }
      result.data.queued.forEach(function (orderId) {
        var row = page.querySelector('tr[data-order-id="' + CSS.escape(orderId) + '"] .reminded');
        if (row) { row.textContent = strings.sent; }
      });
      return {queued: result.data.queued.length, skipped: result.data.skipped.length, error: null};
    }, function () {
      buttons.forEach(function (button) { button.disabled = false; });
      return {queued: 0, skipped: 0, error: strings.failed};
    });
  }

  // Sends the reminders of the given buttons' orders, each order once, in chunks of the API's limit one after the
  // other, saying how far it got; resolves when every chunk has answered.
  function remind(buttons, extra) {
    var byOrder = {};
    buttons.forEach(function (button) {
      var id = button.dataset.orderId;
      (byOrder[id] = byOrder[id] || []).push(button);
    });
    var orderIds = Object.keys(byOrder), tally = {queued: 0, skipped: 0, error: null}, done = 0, chunks = [];
    var total = all ? D.format(all.dataset.total, {total: orderIds.length}) : "";
    for (var start = 0; start < orderIds.length; start += REMIND_LIMIT) {
      chunks.push(orderIds.slice(start, start + REMIND_LIMIT));
    }
    buttons.concat(extra || []).forEach(function (button) { button.disabled = true; });
    return chunks.reduce(function (previous, ids) {
      return previous.then(function () {
        if (status && all && chunks.length > 1) {
          status.textContent = D.format(all.dataset.progress, {done: done, total: orderIds.length});
        }
        var chunkButtons = [].concat.apply([], ids.map(function (id) { return byOrder[id]; }));
        return sendReminders(ids, chunkButtons);
      }).then(function (answer) {
        done += ids.length;
        tally.queued += answer.queued;
        tally.skipped += answer.skipped;
        tally.error = tally.error || answer.error;
      });
    }, Promise.resolve()).then(function () {
      if (status) {
        var counts = tally.queued || tally.skipped ? summary(tally) : "";
        status.textContent = [counts, orderIds.length > 1 ? total : "", tally.error].filter(Boolean).join(" · ");
      }
      // Remind all stays for the rows a failed request (or no click yet) left to remind, and only for them.
      if (all) { all.disabled = !page.querySelector("button.remind:enabled"); }
      return tally;
    });
  }

  page.addEventListener("click", function (event) {
    var button = event.target.closest("button.remind");
    if (button && !button.disabled) { remind([button]); }
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
  if (all) {
    all.addEventListener("click", function () {
      // Every listed row not yet reminded from this page: a second click never reminds a buyer again.
      remind(Array.prototype.slice.call(page.querySelectorAll("button.remind:enabled")), [all]);
    });
  }

  var form = document.getElementById("claim-policy-form");
  if (form) { form.addEventListener("submit", function (event) {
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
  }); }
  D.scriptReady(page);  // Remind, Remind all, Cancel draft, Save policy
})();
