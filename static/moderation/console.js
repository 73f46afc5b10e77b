// Moderator console: the held queue (oldest first, bulk approve/hide), the live chat with every decision (it
// pauses under the pointer or the keyboard: static/moderation/lists.js) and the viewer panel. Every action shows
// an undo toast (undo.js); a ban asks first. Pushes arrive on /live (room broadcast:<id>:moderators); after a
// (re)connect the lists are reloaded from the API, since moderator pushes carry no seq to replay.
// Keys: keys.js; the dry run: check.js; terms and policy: settings.js.
(function (global) {
  "use strict";
  var M = global.Moderation, S = M.strings, D = global.LiveDesk, el = D.el;
  var root = document.getElementById("console");
  var api = "/api/v1";
  var currentViewer = null;
  var bulkBusy = false;  // a bulk decision is being sent: its buttons wait

  function render(options) { return function (m) { return M.render.messageNode(m, options); }; }

  var held = new M.MessageList(document.getElementById("held"), {
    newestFirst: false, limit: 0, render: render({actions: true, selectable: true}), changed: countHeld
  });
  var stream = new M.MessageList(document.getElementById("stream"), {
    newestFirst: true, limit: 200, render: render({actions: true}),
    resumeButton: document.getElementById("resume"), pausedNote: document.getElementById("paused-note"),
    changed: function () { document.getElementById("stream-empty").hidden = stream && stream.items.size > 0; }
  });

  function countHeld() {
    if (!held) { return; }
    var count = held.messages().length + held.pending.size;
    document.getElementById("held-count").textContent = count;
    document.getElementById("held-empty").hidden = count > 0;
    document.getElementById("bulk-bar").hidden = count === 0;
    countSelected();
  }

  function selectedNodes() {
    return held.messages().filter(function (node) { return node.querySelector(".select-msg:checked"); });
  }

  function countSelected() {
    var count = selectedNodes().length, all = held.messages().length;
    document.getElementById("selected-count").textContent = count ? D.format(S.selected, {count: count}) : "";
    document.getElementById("bulk-approve").disabled = document.getElementById("bulk-hide").disabled =
      count === 0 || bulkBusy;
    var box = document.getElementById("select-all");
    box.checked = count > 0 && count === all;
    box.indeterminate = count > 0 && count < all;
  }

  function show(m) {
    stream.put(m);
    if (m.status === "held") { held.put(m); } else { held.remove(m.message_id); }
    if (currentViewer === m.viewer_id) { loadViewer(m.viewer_id); }
  }

  function load() {
    var base = api + "/broadcasts/" + M.broadcastId + "/chat?limit=";
    return Promise.all([M.send("GET", base + "200&status=all"), M.send("GET", base + "500&status=held")])
      .then(function (results) {
        stream.reset(results[0].data.messages || []);
        held.reset(results[1].data.messages || []);
      });
  }

  function reason() { return document.getElementById("action-reason").value.trim() || undefined; }

  function report(result) {
    document.getElementById("action-error").textContent = result.ok ? "" : M.errorText(result);
    return result;
  }

  function who(m) { return m.nickname || m.viewer_id; }

  // Resolves true when the moderator confirms the ban of name in the dialog (Cancel or Escape: false).
  function confirmBan(name) {
    var dialog = document.getElementById("confirm-ban");
    document.getElementById("confirm-ban-text").textContent = name;
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function () { resolve(dialog.returnValue === "ban"); }, {once: true});
    });
  }

  function restore(message, expected) {
    return M.send("POST", api + "/chat/" + message.message_id + "/restore", {expected_status: expected})
      .then(function (result) { if (result.ok) { show(result.data); } return result; });
  }

  function lift(viewerId, sanctionId) {
    return M.send("POST", api + "/moderation/viewers/" + encodeURIComponent(viewerId) + "/lift", {sanction_id: sanctionId})
      .then(function (result) {
        if (result.ok && result.data.message) { show(result.data.message); }
        if (result.ok && viewerId === currentViewer) { loadViewer(viewerId); }
        return result;
      });
  }

  function timeoutText(name, seconds) {
    return seconds % 60 === 0 ? D.format(S.toastTimeout, {viewer: name, minutes: seconds / 60})
      : D.format(S.toastTimeoutSeconds, {viewer: name, seconds: seconds});
  }

  // Times out or bans (after the dialog) a viewer, with one of their messages hidden too; toast with undo.
  function sanction(kind, viewerId, name, message) {
    var ask = kind === "ban" ? confirmBan(name) : Promise.resolve(true);
    return ask.then(function (confirmed) {
      if (!confirmed) { return null; }
      var body = {broadcast_id: M.broadcastId, reason: reason()};
      if (message) { body.message_id = message.message_id; }
      if (kind === "timeout") { body.seconds = global.ModerationSettings.timeoutSeconds(); }
      return M.send("POST", api + "/moderation/viewers/" + encodeURIComponent(viewerId) + "/" + kind, body)
        .then(report).then(function (result) {
          if (!result.ok) { return result; }
          var text = kind === "ban" ? D.format(S.toastBan, {viewer: name}) : timeoutText(name, body.seconds);
          M.toast(text, function () { return lift(viewerId, result.data.id); });
          if (viewerId === currentViewer) { loadViewer(viewerId); }
          return result;
        });
    });
  }

  function act(action, m) {
    if (action === "timeout" || action === "ban") { return sanction(action, m.viewer_id, who(m), m); }
    return M.send("POST", api + "/chat/" + m.message_id + "/" + action, {reason: reason()})
      .then(report).then(function (result) {
        if (!result.ok) { return result; }
        show(result.data);
        var text = D.format(action === "approve" ? S.toastApprove : S.toastHide, {viewer: who(m)});
        M.toast(text, function () { return restore(result.data, result.data.status); });
        return result;
      });
  }

  root.addEventListener("click", function (event) {
    var target = event.target.closest("button[data-action]");
    if (!target || !document.getElementById("console").contains(target)) { return; }
    var action = target.dataset.action, item = target.closest("li.msg");
    if (action === "viewer") { loadViewer(target.dataset.viewerId); return; }
    if (item && item.message && ["approve", "hide", "timeout", "ban"].indexOf(action) >= 0) { act(action, item.message); }
  });

  document.getElementById("held").addEventListener("change", function (event) {
    if (event.target.classList.contains("select-msg")) { countSelected(); }
  });

  document.getElementById("select-all").addEventListener("change", function (event) {
    held.messages().forEach(function (node) {
      var box = node.querySelector(".select-msg");
      if (box) { box.checked = event.target.checked; }
    });
    countSelected();
  });
  D.scriptReady(document.getElementById("select-all"));

  // The API decides at most this many messages a request (live/moderation/api/bodies.py MAX_BULK, a contract):
  // a larger selection (a raid) is sent in chunks of it, one after the other.
  var BULK_LIMIT = 100;
  var bulkBar = document.getElementById("bulk-bar");

  function chunks(items, size) {
    var out = [];
    for (var start = 0; start < items.length; start += size) { out.push(items.slice(start, start + size)); }
    return out;
  }

  function bulkProgress(text) { document.getElementById("bulk-progress").textContent = text; }

  // Resolves with {done: [results], refused: [results], failed: [{count, result}]} once every chunk has answered.
  // A chunk whose request failed leaves its messages held and selected, so the moderator can send them again.
  function sendChunks(decision, ids) {
    var outcome = {done: [], refused: [], failed: []}, sent = 0;
    return chunks(ids, BULK_LIMIT).reduce(function (previous, part) {
      return previous.then(function () {
        bulkProgress(D.format(bulkBar.dataset.progress, {done: sent, total: ids.length}));
        return M.send("POST", api + "/chat/bulk", {action: decision, message_ids: part, reason: reason()});
      }).then(function (result) {
        sent += part.length;
        if (!result.ok) { outcome.failed.push({count: part.length, result: result}); return; }
        result.data.results.forEach(function (r) {
          if (r.ok) { outcome.done.push(r); show(r.message); } else { outcome.refused.push(r); }
        });
        countSelected();
      });
    }, Promise.resolve()).then(function () { return outcome; });
  }

  function bulkProblems(outcome) {
    var lines = [];
    if (outcome.failed.length) {
      var unsent = outcome.failed.reduce(function (sum, f) { return sum + f.count; }, 0);
      lines.push(D.format(bulkBar.dataset.failed, {count: unsent, error: M.errorText(outcome.failed[0].result)}));
    }
    if (outcome.refused.length) {
      lines.push(D.format(S.bulkRefused, {count: outcome.refused.length, error: outcome.refused[0].error.message}));
    }
    return lines.join(" · ");
  }

  function bulk(decision) {
    var ids = selectedNodes().map(function (node) { return node.message.message_id; });
    if (!ids.length || bulkBusy) { return Promise.resolve(null); }
    bulkBusy = true;
    countSelected();
    return sendChunks(decision, ids).then(function (outcome) {
      var done = outcome.done;
      bulkBusy = false;
      bulkProgress(ids.length > BULK_LIMIT || done.length < ids.length ?
        D.format(bulkBar.dataset.total, {done: done.length, total: ids.length}) : "");
      document.getElementById("action-error").textContent = bulkProblems(outcome);
      countSelected();
      if (!done.length) { return outcome; }
      var text = D.format(decision === "approve" ? S.toastBulkApprove : S.toastBulkHide, {count: done.length});
      M.toast(text, function () {
        return Promise.all(done.map(function (r) { return restore(r.message, r.message.status); }))
          .then(function (answers) {
            return answers.filter(function (a) { return !a.ok; })[0] || {ok: true};
          });
      });
      return outcome;
    });
  }

  document.getElementById("bulk-approve").addEventListener("click", function () { bulk("approve"); });
  document.getElementById("bulk-hide").addEventListener("click", function () { bulk("hide"); });

  function sanctionLine(s) {
    var when = s.until ? D.format(S.until, {time: D.localTime(s.until, true)}) : S.forever;
    var state = s.active ? S.active : S.lifted;
    var li = el("li", [M.config.actionLabels[s.kind] || s.kind, when, state,
                       D.format(S.by, {actor: M.render.actorLabel(s.actor)}), M.render.recordedReason(s.reason)]
                      .filter(Boolean).join(" · "));
    li.dataset.sanctionId = s.id;
    if (s.active) {
      var button = M.button(S.liftOne, "small-button neutral lift", "lift");
      button.addEventListener("click", function () {
        lift(s.viewer_id, s.id).then(report);
      });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button);
    }
    return li;
  }

  function loadViewer(viewerId) {
    currentViewer = viewerId;
    var path = api + "/moderation/viewers/" + encodeURIComponent(viewerId) + "?broadcast_id=" + M.broadcastId;
    return M.send("GET", path).then(function (result) {
      if (!result.ok || currentViewer !== viewerId) { return; }
      var v = result.data;
      document.getElementById("viewer-empty").hidden = true;
      document.getElementById("viewer-body").hidden = false;
      document.getElementById("viewer-name").textContent = viewerId;
      document.getElementById("viewer-offences").textContent = D.format(S.offences, v.offences);
      var list = document.getElementById("viewer-sanctions");
      list.replaceChildren();
      v.sanctions.forEach(function (s) { list.appendChild(sanctionLine(s)); });
      if (!v.sanctions.length) { list.appendChild(el("li", S.noSanctions, "muted")); }
      var messages = document.getElementById("viewer-messages");
      messages.replaceChildren();
      v.messages.forEach(function (m) { messages.appendChild(M.render.messageNode(m, {})); });
      if (!v.messages.length) { messages.appendChild(el("li", S.noMessages, "muted")); }
    });
  }

  document.getElementById("viewer-actions").addEventListener("click", function (event) {
    var target = event.target.closest("button[data-sanction]");
    if (!target || !currentViewer) { return; }
    var kind = target.dataset.sanction, viewerId = currentViewer;
    if (kind !== "unban") { sanction(kind, viewerId, viewerId, null); return; }
    M.send("POST", api + "/moderation/viewers/" + encodeURIComponent(viewerId) + "/unban",
           {broadcast_id: M.broadcastId, reason: reason()})
      .then(report).then(function () { loadViewer(viewerId); });
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
      "moderation.changed": function (payload) { global.ModerationSettings.changed(payload); }
    });
    global.moderationSocket = live.socket;  // for operators' debugging and the browser tests
  }

  document.getElementById("broadcast-select").addEventListener("change", function (event) {
    global.location.href = event.target.value;
  });
  D.scriptReady(document.getElementById("broadcast-select"));

  M.console = {act: act, loadViewer: loadViewer, lists: {held: held, stream: stream}};
  countHeld();
  stream.show();
  connect();
})(window);
