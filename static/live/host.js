// Host live page (issue 12): the broadcast's snapshot, then its sequenced pushes from /live (LiveDesk.connectLive,
// which catches up after a reconnect), handed to the page's parts: LiveDesk.host (static/live/host_state.js) for the
// rail, pinned card, selling now and flash sales; host.feed (feed.js) and host.talk (talk.js). Every buyer- or
// viewer-supplied string is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk, host = LiveDesk.host, strings = host.strings;
  var root = document.getElementById("host");
  // Pushes of one broadcast can be emitted slightly out of order by concurrent requests: per thing shown
  // (an order, a SKU's stock, the totals) only a newer seq than the one applied may change it.
  var appliedSeq = LiveDesk.latestSeqs(5000);  // keys: the orders of the last minutes, the SKUs, the totals
  var startedAt = root.dataset.startedAt ? new Date(root.dataset.startedAt).getTime() : null;
  var status = document.getElementById("broadcast-status");

  function fresh(key, seq) { return appliedSeq.fresh(key, seq); }

  function money(value) { return LiveDesk.money(value || "0.00"); }

  function setText(id, value) {
    var node = document.getElementById(id);
    if (node.textContent !== String(value)) { node.textContent = value; }
  }

  function setTotals(t) {
    setText("total-orders", t.orders);
    setText("total-units", t.units);
    setText("total-gmv", money(t.gmv));
    setText("total-paid", money(t.paid_gmv));
    // Paid but not committed demand yet (held or waitlisted): shown apart, so both pages' figures add up.
    var waiting = document.getElementById("total-paid-waiting");
    waiting.hidden = !(Number(t.paid_waiting) > 0);
    if (!waiting.hidden) { setText("total-paid-waiting", strings.paidWaiting.replace("{amount}", money(t.paid_waiting))); }
    setText("total-held", t.held || 0);
    document.getElementById("total-held").classList.toggle("nonzero", (t.held || 0) > 0);
  }

  // Time on air, by the server's clock, while the broadcast is live.
  function tickClock() {
    var node = document.getElementById("on-air");
    var live = startedAt && status.classList.contains("live");
    node.hidden = !live;
    if (!live) { return; }
    var s = Math.max(0, Math.floor((host.now() - startedAt) / 1000));
    var hh = String(Math.floor(s / 3600)).padStart(2, "0");
    node.textContent = "● " + hh + ":" + String(Math.floor(s % 3600 / 60)).padStart(2, "0") + ":" +
      String(s % 60).padStart(2, "0");
  }
  setInterval(tickClock, 1000);

  // The broadcast's title, status and start (snapshot and broadcast.changed: renamed, started or ended).
  function setBroadcast(broadcast) {
    setText("broadcast-title", broadcast.title);
    document.title = broadcast.title + " · LiveDesk";
    status.textContent = (strings.broadcast || {})[broadcast.status] || broadcast.status;
    status.className = "badge " + broadcast.status;
    startedAt = broadcast.started_at ? new Date(broadcast.started_at).getTime() : null;
    host.setStatus(broadcast.status);
    tickClock();
  }

  function orderPush(created) {
    return function (payload) {
      var order = payload.order;
      if (created) { host.countOrder(order, true); }  // counted by id: a replayed creation adds nothing twice
      if (!fresh("order:" + order.order_id, payload.seq)) { return; }
      if (!created) { host.countOrder(order, false); }
      if (created) { host.feed.created(order); } else { host.feed.updated(order); }
      host.talk.linkOrder(order);
    };
  }

  var handlers = {
    state: LiveDesk.connectionIndicator(root, strings),
    snapshot: function (snap) {
      appliedSeq.clear();
      if (snap.selling_now && snap.selling_now.as_of) {
        host.clockOffset = new Date(snap.selling_now.as_of).getTime() - Date.now();
      }
      setBroadcast(snap.broadcast);
      host.feed.load(snap.orders);
      setTotals(snap.totals);
      host.setProducts(snap.stock);
      host.setPinned(snap.pinned_sku);
      host.setFlash(snap.flash_sales);
      host.loadSelling(snap.selling_now);
      host.reloadFlash();
      host.talk.load();
    },
    "order.created": orderPush(true),
    "order.updated": orderPush(false),
    "stock.changed": function (payload) {
      if (fresh("stock:" + payload.stock.sku, payload.seq)) { host.setLevel(payload.stock); }
    },
    "totals.changed": function (payload) {
      if (fresh("totals", payload.seq)) { setTotals(payload.totals); host.setFlash(payload.flash_sales); }
    },
    "chat.message": function (payload) { host.talk.message(payload.message); },
    "chat.hidden": function (payload) { host.talk.hidden(payload.message_id); },
    "product.pinned": function (payload) { host.setPinned(payload.pinned_sku); },
    "lineup.changed": function (payload) { host.setLineup(payload.products); },
    "broadcast.changed": function (payload) { setBroadcast(payload.broadcast); }
  };

  // Exposed for operators' debugging in the console and for the browser tests' reconnect check.
  window.liveFeed = LiveDesk.connectLive("/live", host.broadcastId, handlers);
}());
