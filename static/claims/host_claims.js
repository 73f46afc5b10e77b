// The host page's chat claims strip (templates/live/_host_claims.html): counts by status and the latest claims, each
// with its steps claimed → ordered → paid. Loaded from the claims API, reloaded when a claims.changed push arrives
// (on the host feed's socket, no catch-up: the next load is the state) and every 15 s as a fallback.
(function () {
  "use strict";
  var D = window.LiveDesk;
  var box = document.getElementById("host-claims");
  if (!box) { return; }
  var broadcastId = parseInt(box.dataset.broadcastId, 10);  // the join asks for an integer
  var strings = JSON.parse(box.dataset.strings);
  var list = document.getElementById("host-claims-list");
  var STEPS = ["claimed", "ordered", "paid"];
  var pending = null;
  var canCancel = box.dataset.canCancel === "1";

  function showCounts(counts) {
    Object.keys(counts || {}).forEach(function (key) {
      var cell = box.querySelector('[data-count="' + key + '"] strong');
      if (cell) { cell.textContent = counts[key]; }
    });
  }

  // claimed → ordered → paid, the steps reached in bold; an expired, cancelled or unresolved claim says where it stopped.
  function steps(claim) {
    var span = D.el("span", "", "steps");
    var reached = STEPS.indexOf(claim.status);
    STEPS.forEach(function (step, index) {
      if (index) { span.appendChild(document.createTextNode(" → ")); }
      span.appendChild(D.el("span", strings[step], index <= reached ? "done" : ""));
    });
    if (reached < 0) {
      span.appendChild(document.createTextNode(" · "));
      var why = claim.reason ? strings.reasons[claim.reason] || claim.reason : strings[claim.status];
      span.appendChild(D.el("span", why, "stopped"));
    }
    return span;
  }

  function row(claim) {
    var li = D.el("li");
    li.dataset.commentId = claim.comment_id;
    li.dataset.status = claim.status;
    li.appendChild(D.el("strong", claim.nickname || claim.viewer_id));
    li.appendChild(D.el("span", claim.text));
    li.appendChild(steps(claim));
    if (canCancel && claim.status === "claimed") {
      var button = D.el("button", strings.cancel, "danger btn-sm cancel-draft");
      button.type = "button";
      button.dataset.commentId = claim.comment_id;
      li.appendChild(button);
    }
    return li;
  }

  // Cancelling a draft gives its units to the next claim or order in line (the server does that); asks first
  // (static/common/confirm.js).
  list.addEventListener("click", function (event) {
    var button = event.target.closest("button.cancel-draft");
    if (!button) { return; }
    D.confirm(strings.confirm_cancel, {button: strings.cancel}).then(function (confirmed) {
      if (confirmed) { cancelDraft(button); }
    });
  });

  function cancelDraft(button) {
    button.disabled = true;
    D.send("POST", "/api/v1/broadcasts/" + broadcastId + "/claims/" + encodeURIComponent(button.dataset.commentId) +
           "/cancel", {}).then(function (result) {
      if (!result.ok) { button.disabled = false; button.title = strings.cancel_failed; return; }
      load();
    }, function () { button.disabled = false; button.title = strings.cancel_failed; });
  }

  function load() {
    pending = null;
    D.send("GET", "/api/v1/broadcasts/" + broadcastId + "/claims?order=desc&per_page=15").then(function (result) {
      if (!result.ok) { return; }
      showCounts(result.data.counts);
      var rows = result.data.claims.map(row);
      if (!rows.length) { rows = [D.el("li", strings.none, "muted")]; }
      list.replaceChildren.apply(list, rows);
    }, function () {});
  }

  function soon() {
    if (!pending) { pending = setTimeout(load, 500); }
  }

  load();
  setInterval(load, 15000);
  function changed(payload) { showCounts(payload.counts); soon(); }
  // On the host page the feed's socket is in this broadcast's rooms already: a second socket would double every
  // push the server sends this tab.
  if (window.liveFeed && window.liveFeed.on) {
    window.liveFeed.on("claims.changed", changed);
  } else if (D.connectLive) {
    D.connectLive("/live", broadcastId, {"claims.changed": changed});
  }
})();
