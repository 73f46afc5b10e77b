// Audit queue rows (textContent only: buyer text is hostile): the order id link, the masked buyer, the items, the
// findings as what each asks of the auditor (linked orders are links), the SLA timer, one green Approve and a ⋯ menu.
// Below 600 px each row is a card (static/orders/orders.css); data-label names each cell there.
(function (global) {
  "use strict";
  var D = global.LiveDesk, el = D.el;
  var SLOT = /\{(\w+)\}/g;
  var LONG_ID = 24;  // characters: an order id longer than this may wrap

  function duration(seconds) {
    var s = Math.max(0, Math.floor(seconds)), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s % 60).padStart(2, "0");
  }

  function fieldLabel(config, path) {
    if (!path) { return ""; }
    return (config.fieldLabels || {})[path] || "";
  }

  // The slots of a reason template, as orders/backoffice/labels.py reason_values fills them.
  function slotValues(config, finding) {
    var data = finding.data || {}, values = {};
    Object.keys(data).forEach(function (key) {
      var value = data[key];
      if (typeof value === "string" || typeof value === "number") { values[key] = String(value); }
    });
    if (typeof data.line === "number") { values.line = String(data.line + 1); }
    var label = fieldLabel(config, finding.field);
    if (label) { values.field = label; }
    return values;
  }

  // The nodes of what a finding asks of the auditor; an order id slot is a link to that order's page. Falls back
  // to the finding's label when a detail is missing (as auditor_reason does on the order page). paid: the buyer
  // paid, so the items cannot be fixed and the paid order's reason is read where it has one.
  function reasonNodes(config, finding, paid) {
    var template = (paid && (config.paidReasonTemplates || {})[finding.code]) ||
      (config.reasonTemplates || {})[finding.code];
    var values = slotValues(config, finding), nodes = [], position = 0, complete = Boolean(template), match;
    SLOT.lastIndex = 0;
    while (template && (match = SLOT.exec(template)) !== null) {
      var value = values[match[1]];
      if (!value) { complete = false; break; }
      if (match.index > position) { nodes.push(document.createTextNode(template.slice(position, match.index))); }
      if ((config.orderSlots || []).indexOf(match[1]) >= 0) {
        var link = el("a", value, "mono linked-order");
        link.href = "/orders/" + encodeURIComponent(value);
        nodes.push(link);
      } else {
        nodes.push(document.createTextNode(value));
      }
      position = match.index + match[0].length;
    }
    if (!complete) { return [document.createTextNode((config.findingLabels || {})[finding.code] || finding.code)]; }
    if (position < template.length) { nodes.push(document.createTextNode(template.slice(position))); }
    return nodes;
  }

  function cell(label, cls) {
    var td = el("td", null, cls);
    if (label) { td.dataset.label = label; }
    return td;
  }

  function findingsList(config, order) {
    var S = config.strings, list = el("ul", null, "findings");
    (order.findings || []).forEach(function (finding) {
      var li = el("li", null, "finding " + finding.severity + (finding.override ? " overridden" : ""));
      li.dataset.code = finding.code;
      var text = el("span", null, "reason");
      reasonNodes(config, finding, order.paid_amount !== null && order.paid_amount !== undefined)
        .forEach(function (node) { text.appendChild(node); });
      li.appendChild(text);
      if (finding.override) {
        li.appendChild(el("span", " · " + D.format(S.overriddenBy, {name: finding.override.by}), "muted small"));
      }
      list.appendChild(li);
    });
    return list;
  }

  function claimText(config, order) {
    var S = config.strings;
    if (order.claimed_by === null || order.claimed_by === undefined) { return ""; }
    if (order.claimed_by === config.me) { return S.claimedByYou; }
    return D.format(S.claimedBy, {name: config.users[String(order.claimed_by)] || "#" + order.claimed_by});
  }

  function menuButton(action, text, cls, extra) {
    var node = el("button", text, "menu-item " + (cls || ""));
    node.type = "button";
    node.dataset.action = action;
    Object.keys(extra || {}).forEach(function (key) { node.dataset[key] = extra[key]; });
    return node;
  }

  // The ⋯ menu: everything but Approve, each also on a key (the help overlay lists them).
  function rowMenu(config, order) {
    var S = config.strings, mine = order.claimed_by === config.me;
    var wrap = el("div", null, "row-menu");
    var toggle = el("button", "⋯", "menu-toggle neutral");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-label", D.format(S.moreActions, {id: order.order_id}));
    var menu = el("div", null, "menu-items");
    menu.hidden = true;
    menu.appendChild(menuButton("reject", S.rejectMenu, "reject"));
    menu.appendChild(menuButton("edit", S.editMenu));
    if (order.reserved_until) { menu.appendChild(menuButton("extend", S.extendMenu)); }
    menu.appendChild(menuButton(mine ? "release" : "claim", mine ? S.release : S.claim));
    (order.findings || []).forEach(function (finding) {
      if (finding.override || finding.severity !== "block") { return; }
      var label = (config.findingLabels || {})[finding.code] || finding.code;
      menu.appendChild(menuButton("override", D.format(S.overrideMenu, {finding: label}), "", {code: finding.code}));
    });
    var open = el("a", S.openOrder, "menu-item");
    open.href = "/orders/" + encodeURIComponent(order.order_id);
    menu.appendChild(open);
    wrap.appendChild(toggle);
    wrap.appendChild(menu);
    return wrap;
  }

  function orderRow(config, state, order) {
    var S = config.strings, L = config.columns;
    var tr = el("tr", null, "order-row");
    tr.dataset.orderId = order.order_id;
    var check = el("input", null, "row-check");
    check.type = "checkbox";
    check.checked = state.checked.has(order.order_id);
    check.setAttribute("aria-label", D.format(S.selectOrder, {id: order.order_id}));
    var checkLabel = el("label", null, "check-target");
    checkLabel.appendChild(check);
    var checkCell = cell(null, "check");
    checkCell.appendChild(checkLabel);
    tr.appendChild(checkCell);

    var orderCell = cell(L.order, "order");
    // An id is one token ("SIM-42-164" must not break at its hyphens); only an id too long for any column (a
    // platform's may have 64 characters) wraps, rather than push Approve off the screen.
    var link = el("a", order.order_id, "mono order-link" + (order.order_id.length > LONG_ID ? " long-id" : ""));
    link.href = "/orders/" + encodeURIComponent(order.order_id);
    orderCell.appendChild(link);
    // The broadcast's title breaks only between words or is cut with "…" (orders.css); the whole title on hover.
    var title = "#" + order.broadcast_id + " " + (config.titles[String(order.broadcast_id)] || "");
    var broadcast = el("div", title, "muted small broadcast");
    broadcast.title = title;
    orderCell.appendChild(broadcast);
    var claim = claimText(config, order);
    if (claim) { orderCell.appendChild(el("div", claim, "claim small" + (order.claimed_by === config.me ? " mine" : ""))); }
    tr.appendChild(orderCell);

    var buyer = order.buyer || {}, addr = buyer.address || {};
    var who = cell(L.buyer, "buyer");
    who.appendChild(el("div", buyer.name || "—", "buyer-name"));
    // Masked by the server (app/privacy.py mask_phone, the one home): 138****5678; the edit form has the full number.
    who.appendChild(el("div", order.phone_masked || S.noPhone, "mono small phone" + (buyer.phone ? "" : " missing")));
    who.appendChild(el("div", [addr.province, addr.city].filter(Boolean).join(" "), "muted small"));
    tr.appendChild(who);

    var items = cell(L.items, "items");
    (order.items || []).forEach(function (line) {
      var text = line.sku + " ×" + line.qty, row = el("div", text, "mono small sku-line");
      row.title = text;  // a SKU too long for the column is cut with "…"; the whole line shows on hover
      items.appendChild(row);
    });
    items.appendChild(el("div", "¥" + (order.total || "0.00"), "num total"));
    // The buyer's money is in: approving completes the sale, rejecting opens its refund.
    if (order.paid_amount) {
      var paid = el("span", D.format(S.paidAmount, {amount: order.paid_amount}), "badge paid paid-note small");
      paid.title = S.paidHint;
      items.appendChild(paid);
    }
    tr.appendChild(items);

    var why = cell(L.why, "why");
    why.appendChild(findingsList(config, order));
    tr.appendChild(why);

    var age = cell(L.waiting, "num age");
    var timer = el("span", duration(order.age_seconds), "timer");
    timer.dataset.age = order.age_seconds;
    timer.dataset.sla = order.sla_seconds;
    age.appendChild(timer);
    age.appendChild(el("span", S.late, "late-word"));
    tr.appendChild(age);

    var actions = cell(null, "actions");
    var approve = el("button", S.approve, "approve row-approve");
    approve.type = "button";
    approve.dataset.action = "approve";
    approve.setAttribute("aria-label", D.format(S.approveTitle, {id: order.order_id}));
    actions.appendChild(approve);
    actions.appendChild(rowMenu(config, order));
    actions.appendChild(el("div", state.errors[order.order_id], "row-error form-error"));
    tr.appendChild(actions);
    return tr;
  }

  global.AuditRows = {orderRow: orderRow, duration: duration, reasonNodes: reasonNodes};
})(window);
