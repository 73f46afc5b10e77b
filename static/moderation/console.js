// Moderator console: every message live with its decision, the held queue with one-click actions, and the
// viewer panel. Pushes arrive on /live (room broadcast:<id>:moderators); after a (re)connect the lists are
// reloaded from the API, since moderator pushes carry no seq to replay. Terms and policy: settings.js.
(function () {
  "use strict";
  var M = window.Moderation, S = M.strings, D = window.LiveDesk, el = D.el;
  var root = document.getElementById("console");
  var stream = document.getElementById("stream");
  var held = document.getElementById("held");
  var STREAM_LIMIT = 200;
  var streamItems = new Map(), heldItems = new Map();
  var currentViewer = null;
  var api = "/api/v1";

  function badge(text, cls) { return el("span", text, "badge " + cls); }

  function messageNode(m, withActions) {
    var li = el("li", null, "msg status-" + m.status);
    li.dataset.messageId = m.message_id;
    li.dataset.eventId = m.id;
    li.dataset.status = m.status;
    var head = el("div", null, "msg-head");
    head.appendChild(el("span", D.localTime(m.ts), "muted small"));
    var nick = M.button(m.nickname || m.viewer_id, "nick linkish", "viewer");
    nick.dataset.viewerId = m.viewer_id;
    head.appendChild(nick);
    head.appendChild(badge(M.config.statusLabels[m.status] || m.status, m.status));
    if (m.is_question) { head.appendChild(badge(S.question, "question")); }
    if (m.claim) {
      var claim = [m.claim.sku, m.claim.variant, m.claim.qty ? "×" + m.claim.qty : null].filter(Boolean).join(" ");
      head.appendChild(badge(S.claim + (claim ? ": " + claim : ""), "claim"));
    }
    if (m.order) { head.appendChild(badge(S.order + " " + m.order.order_id + " · " + ((M.config.orderLabels || {})[m.order.status] || m.order.status), "order")); }
    li.appendChild(head);
    li.appendChild(el("div", m.text, "text"));
    if (m.reasons && m.reasons.length) {
      var reasons = el("ul", null, "reasons");
      m.reasons.forEach(function (r) {
        var item = el("li");
        var code = el("span", (M.config.reasonLabels || {})[r.code] || r.code, "reason-code");
        code.dataset.code = code.title = r.code;
        item.appendChild(code);
        if (r.detail) { item.appendChild(el("span", " " + r.detail, "muted")); }
        reasons.appendChild(item);
      });
      li.appendChild(reasons);
    }
    if (m.decided_by) {
      var who = D.format(S.by, {actor: m.decided_by}) + (m.decision_reason ? " · " + m.decision_reason : "");
      li.appendChild(el("div", who, "muted small decided"));
    }
    if (withActions) {
      var bar = el("div", null, "actions");
      if (m.status === "held" || m.status === "hidden") {
        bar.appendChild(M.button(S.approve, "small-button approve", "approve"));
      }
      if (m.status !== "hidden") { bar.appendChild(M.button(S.hide, "small-button hide", "hide")); }
      bar.appendChild(M.button(S.timeout, "small-button timeout", "timeout"));
      bar.appendChild(M.button(S.ban, "small-button ban", "ban"));
      li.appendChild(bar);
    }
    li.message = m;
    return li;
  }

  // Keeps a list newest first by message id, replacing a message already shown.
  function place(list, items, m, withActions, limit) {
    var node = messageNode(m, withActions), existing = items.get(m.message_id);
    if (existing) {
      list.replaceChild(node, existing);
    } else {
      var after = Array.prototype.find.call(list.children, function (child) {
        return Number(child.dataset.messageId) < m.message_id;
      });
      list.insertBefore(node, after || null);
    }
    items.set(m.message_id, node);
    while (limit && list.children.length > limit) {
      items.delete(Number(list.lastChild.dataset.messageId));
      list.removeChild(list.lastChild);
    }
  }

  function unplace(list, items, id) {
    var node = items.get(id);
    if (node) { list.removeChild(node); items.delete(id); }
  }

  function countHeld() {
    document.getElementById("held-count").textContent = heldItems.size;
    document.getElementById("held-empty").hidden = heldItems.size > 0;
  }

  function show(m) {
    place(stream, streamItems, m, true, STREAM_LIMIT);
    if (m.status === "held") { place(held, heldItems, m, true, 0); } else { unplace(held, heldItems, m.message_id); }
    countHeld();
    if (currentViewer === m.viewer_id) { loadViewer(m.viewer_id); }
  }

  function load() {
    var base = api + "/broadcasts/" + M.broadcastId + "/chat?limit=";
    return Promise.all([M.send("GET", base + STREAM_LIMIT + "&status=all"), M.send("GET", base + "500&status=held")])
      .then(function (results) {
        stream.replaceChildren(); held.replaceChildren(); streamItems.clear(); heldItems.clear();
        (results[0].data.messages || []).forEach(function (m) { place(stream, streamItems, m, true, STREAM_LIMIT); });
        (results[1].data.messages || []).forEach(function (m) { place(held, heldItems, m, true, 0); });
        countHeld();
      });
  }

  function reason() { return document.getElementById("action-reason").value.trim() || undefined; }

  function report(result) {
    document.getElementById("action-error").textContent = result.ok ? "" : M.errorText(result);
    return result;
  }

  // One click each; the answer's pushes update every console (this one included) within a second.
  function act(action, m) {
    var body = {reason: reason()};
    if (action === "approve" || action === "hide") {
      return M.send("POST", api + "/chat/" + m.message_id + "/" + action, body).then(report).then(function (result) {
        if (result.ok) { show(result.data); }
      });
    }
    body.broadcast_id = M.broadcastId;
    body.message_id = m.message_id;
    if (action === "timeout") { body.seconds = window.ModerationSettings.timeoutSeconds(); }
    return M.send("POST", api + "/moderation/viewers/" + encodeURIComponent(m.viewer_id) + "/" + action, body)
      .then(report).then(function (result) { if (result.ok) { load(); } });
  }

  root.addEventListener("click", function (event) {
    var target = event.target.closest("button[data-action]");
    if (!target) { return; }
    var action = target.dataset.action, item = target.closest("li.msg");
    if (action === "viewer") { loadViewer(target.dataset.viewerId); return; }
    if (item && item.message) { act(action, item.message); }
  });

  function loadViewer(viewerId) {
    currentViewer = viewerId;
    var path = api + "/moderation/viewers/" + encodeURIComponent(viewerId) + "?broadcast_id=" + M.broadcastId;
    M.send("GET", path).then(function (result) {
      if (!result.ok || currentViewer !== viewerId) { return; }
      var v = result.data, panel = document.getElementById("viewer-panel");
      panel.hidden = false;
      document.getElementById("viewer-name").textContent = viewerId;
      document.getElementById("viewer-offences").textContent = D.format(S.offences, v.offences);
      var list = document.getElementById("viewer-sanctions");
      list.replaceChildren();
      v.sanctions.forEach(function (s) {
        var when = s.until ? D.format(S.until, {time: D.localTime(s.until)}) : S.forever;
        var state = s.active ? S.active : S.lifted;
        list.appendChild(el("li", [M.config.actionLabels[s.kind] || s.kind, when, state, D.format(S.by, {actor: s.actor}),
                                   s.reason || ""].filter(Boolean).join(" · ")));
      });
      var messages = document.getElementById("viewer-messages");
      messages.replaceChildren();
      v.messages.forEach(function (m) { messages.appendChild(messageNode(m, false)); });
    });
  }

  document.getElementById("viewer-actions").addEventListener("click", function (event) {
    var target = event.target.closest("button[data-sanction]");
    if (!target || !currentViewer) { return; }
    var kind = target.dataset.sanction, body = {broadcast_id: M.broadcastId, reason: reason()};
    if (kind === "timeout") { body.seconds = window.ModerationSettings.timeoutSeconds(); }
    M.send("POST", api + "/moderation/viewers/" + encodeURIComponent(currentViewer) + "/" + kind, body)
      .then(report).then(function () { loadViewer(currentViewer); });
  });

  function connect() {
    var setState = D.connectionIndicator(root, S);
    var live = D.connectLive("/live", M.broadcastId, {
      state: setState,
      joined: function () { load().then(function () { setState("connected"); }); },
      "chat.moderated": function (payload) {
        show(payload.message);
        if (payload.suggest_shield) { document.getElementById("raid-banner").hidden = false; }
      },
      "viewer.sanctioned": function (payload) {
        var viewer = payload.viewer_id || (payload.sanction && payload.sanction.viewer_id);
        if (viewer && viewer === currentViewer) { loadViewer(viewer); }
      },
      "moderation.changed": function (payload) { window.ModerationSettings.changed(payload); }
    });
    window.moderationSocket = live.socket;  // for operators' debugging and the browser tests
  }

  document.getElementById("broadcast-select").addEventListener("change", function (event) {
    window.location.href = event.target.value;
  });
  connect();
})();
