// Audit queue actions (approve, reject, extend the hold, claim, override, bulk approve / reject / extend), the row
// ⋯ menu and the keyboard shortcuts. Every action goes through /api/v1, which records it in the order's history
// with the auditor and the reason. The edit / fix form is queue_edit.js (window.AuditEdit).
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

  // An API refusal in the viewer's language when its code is known; the API's own words otherwise.
  function explain(error) {
    return B.errorText(error, S.errors, S.failed);
  }

  function rowError(orderId, message) {
    var row = rowOf(orderId);
    var slot = row && row.querySelector(".row-error");
    Q.state.errors[orderId] = message || S.failed;
    (slot || actionError).textContent = Q.state.errors[orderId];
  }

  function call(orderId, method, path, body) {
    return D.send(method, path, body).then(function (result) {
      if (!result.ok) { rowError(orderId, explain(B.errorOf(result, S.failed))); }
      Q.load();
      return result;
    }, function () { rowError(orderId, S.offline); });
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

  function extend(order) {
    if (!order.reserved_until) { rowError(order.order_id, S.nothingToExtend); return; }
    decide("extend", order);
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

  // What one bulk result says happened to its order: approved (accepted or paid), waitlisted, still held, failed.
  function outcomeText(r) {
    if (r.status === "failed") { return D.format(S.outcomeFailed, {message: explain(r.error || {})}); }
    if (r.status === "held") {
      var codes = ((r.order && r.order.findings) || []).filter(function (f) { return !f.override && f.severity === "block"; })
        .map(function (f) { return labels[f.code] || f.code; });
      return D.format(S.outcomeHeld, {codes: codes.join(S.listSeparator) || "—"});
    }
    if (r.status === "waitlisted") { return S.outcomeWaitlisted; }
    if (r.status === "rejected") { return S.outcomeRejected; }
    if (r.status === "extended") { return S.outcomeExtended; }
    return D.format(S.outcomeApproved, {status: S[r.order_status] || r.order_status});
  }

  // The summary, and one line per order (orders that left the queue have no row any more); orders still in the
  // queue also show their outcome in their row.
  function showBulkOutcome(data) {
    var summary = data.summary || {};
    var parts = ["approved", "waitlisted", "rejected", "extended", "held", "failed"].filter(function (k) { return summary[k]; })
      .map(function (k) { return D.format(S["bulk_" + k], {n: summary[k]}); });
    document.getElementById("bulk-summary").textContent = parts.join(" · ");
    var list = document.getElementById("bulk-results");
    list.replaceChildren.apply(list, data.results.map(function (r) {
      var li = D.el("li", null, "bulk-result " + r.status);
      li.dataset.orderId = r.order_id;
      li.dataset.outcome = r.status;
      var link = D.el("a", r.order_id, "mono");
      link.href = "/orders/" + encodeURIComponent(r.order_id);
      li.appendChild(link);
      li.appendChild(D.el("span", " — " + outcomeText(r)));
      return li;
    }));
    document.getElementById("bulk-outcome").hidden = false;
    data.results.forEach(function (r) {
      if (r.status === "held" || r.status === "failed" || r.status === "extended") {
        if (r.status !== "extended") { Q.state.errors[r.order_id] = outcomeText(r); }  // the row stays in the queue
      } else {
        Q.state.checked.delete(r.order_id);
        delete Q.state.errors[r.order_id];
      }
    });
  }

  function checkedOrNothing() {
    var ids = Array.from(Q.state.checked);
    actionError.textContent = "";
    if (!ids.length) { actionError.textContent = S.nothingSelected; }
    return ids;
  }

  function bulkApprove() {
    var ids = checkedOrNothing();
    if (!ids.length) { return; }
    reason(D.format(S.bulkTitle, {n: ids.length})).then(function (why) {
      if (why === null) { return; }
      D.send("POST", "/api/v1/orders/bulk-approve", {order_ids: ids, reason: why}).then(function (result) {
        if (!result.ok) { actionError.textContent = explain(B.errorOf(result, S.failed)); return; }
        showBulkOutcome(result.data);
        Q.load();
      }, function () { actionError.textContent = S.offline; });
    });
  }

  // Reject or extend each ticked order in turn (the API has one call per order); one summary at the end.
  function bulkEach(action, outcome, title) {
    var ids = checkedOrNothing();
    if (!ids.length) { return; }
    reason(D.format(title, {n: ids.length})).then(function (why) {
      if (why === null) { return; }
      var results = [];
      ids.reduce(function (previous, orderId) {
        return previous.then(function () {
          // As the row's Extend: a paid hold or one in line has no timer, which the server would refuse.
          var shown = Q.order(orderId);
          if (action === "extend" && shown && !shown.reserved_until) {
            results.push({order_id: orderId, status: "failed", error: {message: S.nothingToExtend}});
            return;
          }
          return D.send("POST", orderPath(orderId, "/" + action), {reason: why}).then(function (result) {
            results.push(result.ok ? {order_id: orderId, status: outcome} :
              {order_id: orderId, status: "failed", error: B.errorOf(result, S.failed)});
          }, function () { results.push({order_id: orderId, status: "failed", error: {message: S.offline}}); });
        });
      }, Promise.resolve()).then(function () {
        var summary = {};
        results.forEach(function (r) { summary[r.status] = (summary[r.status] || 0) + 1; });
        showBulkOutcome({results: results, summary: summary});
        Q.load();
      });
    });
  }

  function toggleCheck(orderId, on) {
    if (on === undefined) { on = !Q.state.checked.has(orderId); }
    if (on) { Q.state.checked.add(orderId); } else { Q.state.checked.delete(orderId); }
    var row = rowOf(orderId);
    if (row) { row.querySelector(".row-check").checked = on; }
    Q.showChecked();
  }

  // The ⋯ menus: one open at a time; Escape or a click elsewhere closes it and the rows may redraw again.
  function closeMenus(focusToggle) {
    var open = tbody.querySelectorAll(".menu-toggle[aria-expanded=true]");
    if (!open.length) { return; }
    open.forEach(function (toggle) {
      toggle.setAttribute("aria-expanded", "false");
      toggle.nextElementSibling.hidden = true;
      if (focusToggle) { toggle.focus(); }
    });
    Q.setBusy(false);
  }

  function openMenu(toggle) {
    closeMenus(false);
    Q.setBusy(true);
    toggle.setAttribute("aria-expanded", "true");
    var menu = toggle.nextElementSibling;
    menu.hidden = false;
    var first = menu.querySelector(".menu-item");
    if (first) { first.focus(); }
  }

  function run(action, order, code) {
    if (!order) { return; }
    var row = rowOf(order.order_id);
    delete Q.state.errors[order.order_id];
    if (row) { row.querySelector(".row-error").textContent = ""; }
    if (action === "claim" || action === "release") { toggleClaim(order); }
    else if (action === "edit") { window.AuditEdit.open(order, rowOf(order.order_id)); }
    else if (action === "override") { override(order, code); }
    else if (action === "extend") { extend(order); }
    else { decide(action, order); }
  }

  tbody.addEventListener("click", function (event) {
    var row = event.target.closest("tr.order-row");
    if (!row) { return; }
    Q.select(row.dataset.orderId, false);
    var toggle = event.target.closest(".menu-toggle");
    if (toggle) {
      if (toggle.getAttribute("aria-expanded") === "true") { closeMenus(true); } else { openMenu(toggle); }
      return;
    }
    var target = event.target.closest("button[data-action]");
    if (target) {
      closeMenus(false);
      run(target.dataset.action, Q.order(row.dataset.orderId), target.dataset.code);
    }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".row-menu")) { closeMenus(false); }
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
  document.getElementById("bulk-reject").addEventListener("click", function () {
    bulkEach("reject", "rejected", S.bulkRejectTitle);
  });
  document.getElementById("bulk-extend").addEventListener("click", function () {
    bulkEach("extend", "extended", S.bulkExtendTitle);
  });
  document.getElementById("show-shortcuts").addEventListener("click", function () {
    document.getElementById("shortcuts-dialog").showModal();
  });
  D.scriptReady(document.querySelector(".queue-tools"));
  D.scriptReady(document.querySelector(".bulk-bar"));

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
              c: "claim", a: "approve", r: "reject", h: "extend", e: "edit",
              x: function () { if (Q.state.selected) { toggleCheck(Q.state.selected); } },
              "?": function () { document.getElementById("shortcuts-dialog").showModal(); }};

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && tbody.querySelector(".menu-toggle[aria-expanded=true]")) {
      closeMenus(true);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var handler = KEYS[event.key];
    if (!handler) { return; }
    // Without this the key's character would land in the reason field the handler just focused.
    event.preventDefault();
    closeMenus(false);
    if (typeof handler === "function") { handler(); return; }
    var order = Q.order(Q.state.selected);
    if (handler === "claim" && order && order.claimed_by === Q.config.me) { handler = "release"; }
    run(handler, order);
  });
})();
