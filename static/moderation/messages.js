// How a chat message is drawn in the moderator console (the held queue, the live chat, the viewer panel and the
// dry-run check share it): local time, name, status and tags as words, text, reasons with their details from the
// catalogue, who decided, and the action buttons. Everything a viewer typed goes in through textContent.
(function (global) {
  "use strict";
  var M = global.Moderation, S = M.strings, D = global.LiveDesk, el = D.el;

  function has(map, key) { return Object.prototype.hasOwnProperty.call(map || {}, key); }

  function badge(text, cls) { return el("span", text, "badge " + cls); }

  // A reason's detail in the page's language from its detail_code and parameters; messages stored before
  // detail codes existed keep their English detail.
  function detailText(r) {
    var template = r.detail_code && (M.config.detailLabels || {})[r.detail_code];
    if (!template) { return r.detail || ""; }
    var params = Object.assign({}, r.detail_params || {});
    if (params.until) { params.until = D.localTime(params.until, true); }
    return D.format(template, params);
  }

  function reasonLabel(code) { return (M.config.reasonLabels || {})[code] || code; }

  // "spam_raid" or "spam_flood, viewer_timeout" (what the rules record) as labels; a person's own words as written.
  function recordedReason(text) {
    var codes = String(text || "").split(", ");
    var known = codes.every(function (code) { return has(M.config.reasonLabels, code); });
    return text && known ? codes.map(reasonLabel).join(S.listSeparator) : (text || "");
  }

  function actorLabel(actor) { return (M.config.actorLabels || {})[actor] || actor; }

  function reasonsList(reasons) {
    var list = el("ul", null, "reasons");
    reasons.forEach(function (r) {
      var item = el("li");
      var code = el("span", reasonLabel(r.code), "reason-code");
      code.dataset.code = r.code;
      item.appendChild(code);
      var detail = detailText(r);
      if (detail) {
        var detailNode = el("span", " " + detail, "muted detail");
        if (r.detail_code) { detailNode.dataset.detailCode = r.detail_code; }
        item.appendChild(detailNode);
      }
      list.appendChild(item);
    });
    return list;
  }

  // A claim as its text named it; one naming a link number or a size ("拍了 1件 12号") names no SKU, so the order
  // it became says what it resolved to.
  function claimText(claim, order) {
    if (!claim.sku && order && order.items && order.items.length) {
      return order.items.map(function (item) { return item.sku + " ×" + item.qty; }).join(", ");
    }
    return [claim.sku, claim.variant, claim.qty ? "×" + claim.qty : null].filter(Boolean).join(" ");
  }

  function timeNode(iso) {
    var node = el("time", D.localTime(iso), "muted small");
    node.dateTime = iso;
    node.title = D.localTime(iso, true);
    return node;
  }

  // options: actions (the buttons), selectable (a checkbox, for the held queue).
  function messageNode(m, options) {
    options = options || {};
    var li = el("li", null, "msg status-" + m.status);
    li.tabIndex = -1;
    li.dataset.messageId = m.message_id;
    li.dataset.eventId = m.id;
    li.dataset.status = m.status;
    li.dataset.viewerId = m.viewer_id;
    var head = el("div", null, "msg-head");
    if (options.selectable) {
      var box = el("input", null, "select-msg");
      box.type = "checkbox";
      box.setAttribute("aria-label", D.format(S.selectMessage || "{viewer}", {viewer: m.nickname || m.viewer_id}));
      head.appendChild(box);
    }
    head.appendChild(timeNode(m.ts));
    var nick = M.button(m.nickname || m.viewer_id, "nick linkish", "viewer");
    nick.dataset.viewerId = m.viewer_id;
    head.appendChild(nick);
    head.appendChild(badge(M.config.statusLabels[m.status] || m.status, m.status));
    if (m.is_question) { head.appendChild(badge(S.question, "question")); }
    if (m.claim) {
      var claim = claimText(m.claim, m.order);
      head.appendChild(badge(S.claim + (claim ? ": " + claim : ""), "claim"));
    }
    if (m.order) {
      head.appendChild(badge(S.order + " " + m.order.order_id + " · " +
                             ((M.config.orderLabels || {})[m.order.status] || m.order.status), "order"));
    }
    li.appendChild(head);
    li.appendChild(el("div", m.text, "text"));
    if (m.reasons && m.reasons.length) { li.appendChild(reasonsList(m.reasons)); }
    if (m.decided_by) {
      var who = D.format(S.by, {actor: actorLabel(m.decided_by)}) +
        (m.decision_reason ? " · " + recordedReason(m.decision_reason) : "");
      li.appendChild(el("div", who, "muted small decided"));
    }
    if (options.actions) {
      var bar = el("div", null, "actions");
      if (m.status === "held" || m.status === "hidden") {
        bar.appendChild(M.button(S.approve, "small-button approve", "approve"));
      }
      if (m.status !== "hidden") { bar.appendChild(M.button(S.hide, "small-button neutral hide", "hide")); }
      bar.appendChild(M.button(S.timeout, "small-button neutral timeout", "timeout"));
      bar.appendChild(M.button(S.ban + "…", "small-button danger ban", "ban"));
      if (S.escalate) { bar.appendChild(M.button(S.escalate, "small-button neutral escalate", "escalate")); }
      li.appendChild(bar);
    }
    li.message = m;
    return li;
  }

  M.render = {
    badge: badge, messageNode: messageNode, reasonsList: reasonsList, recordedReason: recordedReason,
    actorLabel: actorLabel, claimText: claimText, detailText: detailText
  };
})(window);
