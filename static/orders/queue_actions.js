// Audit queue actions (claim, approve, reject, hold, override, edit buyer, bulk approve) and keyboard shortcuts.
// Every action goes through /api/v1, which records it in the order's history with the auditor and the reason.
(function () {
  "use strict";
  var B = window.Backoffice, D = window.LiveDesk, Q = window.AuditQueue, S = Q.strings;
  var tbody = Q.tbody;
  var labels = Q.config.findingLabels || {};
  var actionError = document.getElementById("action-error");  // the queue's own load errors go elsewhere

  function orderPath(orderId, suffix) {
    return "/api/v1/orders/" + encodeURIComponent(orderId) + (suffix || "");
  }

  function rowOf(orderId) {
    return Array.prototype.find.call(tbody.rows, function (row) { return row.dataset.orderId === orderId; }) || null;
  }

  function rowError(orderId, error) {
    var row = rowOf(orderId);
    var slot = row && row.querySelector(".row-error");
    Q.state.errors[orderId] = error.message || S.failed;
    (slot || actionError).textContent = Q.state.errors[orderId];
  }

  function call(orderId, method, path, body) {
    return D.send(method, path, body).then(function (result) {
      if (!result.ok) { rowError(orderId, B.errorOf(result, S.failed)); }
      Q.load();
      return result;
    }, function () { rowError(orderId, {message: S.offline}); });
  }

  // Resolves with the reason, or null on cancel; the queue does not re-render under an open dialog.
  function reason(title) {
    Q.setBusy(true);
    return B.askReason(title, S.reasonRequired).then(function (value) {
      Q.setBusy(false);
      return value;
    });
  }

  function decide(action, order) {
    return reason(D.format(S[action + "Title"], {id: order.order_id})).then(function (why) {
      if (why !== null) { return call(order.order_id, "POST", orderPath(order.order_id, "/" + action), {reason: why}); }
    });
  }

  function toggleClaim(order) {
    var action = order.claimed_by === Q.config.me ? "/release" : "/claim";
    return call(order.order_id, "POST", orderPath(order.order_id, action));
  }

  function override(order, code) {
    return reason(D.format(S.overrideTitle, {code: labels[code] || code, id: order.order_id})).then(function (why) {
      if (why === null) { return; }
      var path = orderPath(order.order_id, "/findings/" + encodeURIComponent(code) + "/override");
      return call(order.order_id, "POST", path, {reason: why});
    });
  }

  function closeEdit(form) {
    var row = form.closest("tr");
    var orderId = row.dataset.editFor;
    row.remove();
    Q.setBusy(false);
    Q.select(orderId, true);
  }

  function changedBuyer(form, buyer) {
    var changes = {}, address = {}, current = buyer || {}, currentAddress = current.address || {};
    form.querySelectorAll("input[data-path]").forEach(function (input) {
      var path = input.dataset.path, value = input.value.trim();
      var old = path.indexOf("address.") === 0 ? currentAddress[path.slice(8)] : current[path];
      if (value === (old || "")) { return; }
      if (path.indexOf("address.") === 0) { address[path.slice(8)] = value; } else { changes[path] = value; }
    });
    if (Object.keys(address).length) { changes.address = address; }
    return changes;
  }

  function edit(order) {
    if (tbody.querySelector("tr.edit-row")) { tbody.querySelector("tr.edit-row input").focus(); return; }
    var row = rowOf(order.order_id);
    var editRow = D.el("tr", null, "edit-row");
    editRow.dataset.editFor = order.order_id;
    var cell = D.el("td");
    cell.colSpan = row.cells.length;
    cell.appendChild(document.getElementById("edit-template").content.cloneNode(true));
    editRow.appendChild(cell);
    row.after(editRow);
    Q.setBusy(true);
    var form = cell.querySelector("form");
    var buyer = order.buyer || {}, address = buyer.address || {};
    form.querySelectorAll("input[data-path]").forEach(function (input) {
      var path = input.dataset.path;
      var value = path.indexOf("address.") === 0 ? address[path.slice(8)] : buyer[path];
      input.value = value || "";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      B.clearErrors(form);
      var changes = changedBuyer(form, buyer);
      if (!Object.keys(changes).length) { B.showError(form, {message: S.nothingChanged}); return; }
      var body = {buyer: changes, reason: form.elements.reason.value.trim() || null};
      D.send("PATCH", orderPath(order.order_id), body).then(function (result) {
        if (result.ok) { closeEdit(form); Q.load(); } else { B.showError(form, B.errorOf(result, S.failed)); }
      }, function () { B.showError(form, {message: S.offline}); });
    });
    form.querySelector(".cancel-edit").addEventListener("click", function () { closeEdit(form); });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); closeEdit(form); }
    });
    form.querySelector("input").focus();
  }

  // What one bulk result says happened to its order: approved (accepted or paid), waitlisted, still held, failed.
  function outcomeText(r) {
    if (r.status === "failed") { return D.format(S.outcomeFailed, {message: (r.error && r.error.message) || S.failed}); }
    if (r.status === "held") {
      var codes = ((r.order && r.order.findings) || []).filter(function (f) { return !f.override && f.severity === "block"; })
        .map(function (f) { return labels[f.code] || f.code; });
      return D.format(S.outcomeHeld, {codes: codes.join(", ") || "—"});
    }
    if (r.status === "waitlisted") { return S.outcomeWaitlisted; }
    return D.format(S.outcomeApproved, {status: S[r.order_status] || r.order_status});
  }

  // The summary, and one line per order (approved and waitlisted ones leave the queue, so their rows are gone);
  // orders still in the queue also show their outcome in their row.
  function showBulkOutcome(data) {
    var summary = data.summary || {};
    var parts = ["approved", "waitlisted", "held", "failed"].filter(function (k) { return summary[k]; })
      .map(function (k) { return D.format(S["bulk_" + k], {n: summary[k]}); });
    document.getElementById("bulk-summary").textContent = parts.join(" · ");
    var list = document.getElementById("bulk-results");
    list.replaceChildren.apply(list, data.results.map(function (r) {
      var li = D.el("li", null, "bulk-result " + r.status);
      li.dataset.orderId = r.order_id;
      li.dataset.outcome = r.status;
      li.appendChild(D.el("span", r.order_id, "mono"));
      li.appendChild(D.el("span", " — " + outcomeText(r)));
      return li;
    }));
    document.getElementById("bulk-outcome").hidden = false;
    data.results.forEach(function (r) {
      if (r.status === "held" || r.status === "failed") {
        Q.state.errors[r.order_id] = outcomeText(r);  // shown in the row, which stays in the queue
      } else {
        Q.state.checked.delete(r.order_id);
        delete Q.state.errors[r.order_id];
      }
    });
  }

  function bulkApprove() {
    var ids = Array.from(Q.state.checked);
    actionError.textContent = "";
    if (!ids.length) { actionError.textContent = S.nothingSelected; return; }
    reason(D.format(S.bulkTitle, {n: ids.length})).then(function (why) {
      if (why === null) { return; }
      D.send("POST", "/api/v1/orders/bulk-approve", {order_ids: ids, reason: why}).then(function (result) {
        if (!result.ok) { actionError.textContent = B.errorOf(result, S.failed).message; return; }
        showBulkOutcome(result.data);
        Q.load();
      }, function () { actionError.textContent = S.offline; });
    });
  }

  function toggleCheck(orderId, on) {
    if (on === undefined) { on = !Q.state.checked.has(orderId); }
    if (on) { Q.state.checked.add(orderId); } else { Q.state.checked.delete(orderId); }
    var row = rowOf(orderId);
    if (row) { row.querySelector(".row-check").checked = on; }
    document.getElementById("checked-count").textContent = Q.state.checked.size ? D.format(S.checkedCount, {n: Q.state.checked.size}) : "";
  }

  function run(action, order, code) {
    if (!order) { return; }
    var row = rowOf(order.order_id);
    delete Q.state.errors[order.order_id];
    if (row) { row.querySelector(".row-error").textContent = ""; }
    if (action === "claim" || action === "release") { toggleClaim(order); }
    else if (action === "edit") { edit(order); }
    else if (action === "override") { override(order, code); }
    else { decide(action, order); }
  }

  tbody.addEventListener("click", function (event) {
    var row = event.target.closest("tr.order-row");
    if (!row) { return; }
    Q.select(row.dataset.orderId, false);
    var target = event.target.closest("button[data-action]");
    if (target) { run(target.dataset.action, Q.order(row.dataset.orderId), target.dataset.code); }
  });
  tbody.addEventListener("change", function (event) {
    if (event.target.classList.contains("row-check")) {
      toggleCheck(event.target.closest("tr").dataset.orderId, event.target.checked);
    }
  });
  document.getElementById("check-all").addEventListener("change", function (event) {
    Q.state.orders.forEach(function (o) { toggleCheck(o.order_id, event.target.checked); });
  });
  document.getElementById("bulk-approve").addEventListener("click", bulkApprove);
  document.getElementById("show-shortcuts").addEventListener("click", function () {
    document.getElementById("shortcuts-dialog").showModal();
  });

  // A ticked checkbox keeps the focus, and the keys must still work then; text fields and dialogs take them.
  function typing(target) {
    var textInput = target.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(target.type);
    return target.isContentEditable || textInput || /^(TEXTAREA|SELECT)$/.test(target.tagName) ||
      document.querySelector("dialog[open]") !== null;
  }

  function move(step) {
    var orders = Q.state.orders;
    if (!orders.length) { return; }
    var index = orders.findIndex(function (o) { return o.order_id === Q.state.selected; });
    index = index < 0 ? 0 : Math.max(0, Math.min(orders.length - 1, index + step));
    Q.select(orders[index].order_id, true);
  }

  var KEYS = {j: function () { move(1); }, k: function () { move(-1); },
              c: "claim", a: "approve", r: "reject", h: "hold", e: "edit",
              x: function () { if (Q.state.selected) { toggleCheck(Q.state.selected); } },
              "?": function () { document.getElementById("shortcuts-dialog").showModal(); }};

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var handler = KEYS[event.key];
    if (!handler) { return; }
    // Without this the key's character would land in the reason field the handler just focused.
    event.preventDefault();
    if (typeof handler === "function") { handler(); return; }
    var order = Q.order(Q.state.selected);
    if (handler === "claim" && order && order.claimed_by === Q.config.me) { handler = "release"; }
    run(handler, order);
  });
})();
