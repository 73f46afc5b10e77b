// The wall / prompter display: the broadcast's title, the pinned product (link number, name, price: a running
// flash sale's with the live price struck through), units left, sold (the catalogue's, in every show: labelled so)
// and the countdown of a flash sale selling it, in large type; kept current by the /live pushes
// (LiveDesk.connectLive, which catches up after a reconnect). Text from the API is set with textContent only.
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk, format = LiveDesk.format, host = LiveDesk.host, strings = host.strings;
  var root = document.getElementById("wall");
  var appliedSeq = LiveDesk.latestSeqs(5000);

  function fresh(key, seq) { return appliedSeq.fresh(key, seq); }

  function text(id, value) {
    var node = document.getElementById(id);
    if (node.textContent !== String(value)) { node.textContent = value; }
  }

  function draw() {
    var product = host.pinned ? host.bySku.get(host.pinned) : null;
    root.dataset.state = product ? host.stockState(product) : "none";
    root.dataset.pinned = host.pinned || "";
    text("wall-link", product && product.link_no ? format(strings.link, {n: product.link_no}) : "");
    text("wall-name", product ? product.name : strings.nothingPinned);
    text("wall-left", product ? (product.stock > 0 ? product.stock : strings.soldOut) : "");
    text("wall-left-label", product && product.stock > 0 ? strings.left : "");
    text("wall-sold", product ? format(strings.soldAllShows, {n: host.taken(product)}) : "");
    tick();
  }

  // Every second: the countdown, and the price once a sale starts, ends or runs out of flash units.
  function tick() {
    var product = host.pinned ? host.bySku.get(host.pinned) : null;
    host.drawPrice(document.getElementById("wall-price"), product);
    var sale = host.flashFor(product);
    document.getElementById("wall-flash").hidden = !sale;
    text("wall-countdown", sale ? host.countdown(sale.ends_at) : "");
  }

  ["pinned", "lineup", "flash"].forEach(function (name) { host.on(name, draw); });
  host.on("stock", function (sku) { if (sku === host.pinned) { draw(); } });
  setInterval(tick, 1000);

  function setTitle(broadcast) {
    text("wall-title", broadcast.title);
    document.title = broadcast.title + " · LiveDesk";
  }

  var indicator = LiveDesk.connectionIndicator(root, strings);
  // A screen with neither a login nor a display token can read nothing: say so at once rather than "reconnecting"
  // while the snapshot is refused every 3 s.
  if (root.dataset.auth === "session" && root.dataset.signedIn !== "true") {
    indicator("refused");
    return;
  }
  var handlers = {
    state: function (name) { indicator(root.dataset.refused === "true" ? "refused" : name); },
    snapshot: function (snap) {
      appliedSeq.clear();
      if (snap.selling_now && snap.selling_now.as_of) {
        host.clockOffset = new Date(snap.selling_now.as_of).getTime() - Date.now();
      }
      setTitle(snap.broadcast);
      host.setProducts(snap.stock);
      host.setPinned(snap.pinned_sku);
      host.setFlash(snap.flash_sales);
      text("wall-orders", snap.totals.orders + " " + strings.orders);
    },
    "stock.changed": function (payload) {
      if (fresh("stock:" + payload.stock.sku, payload.seq)) { host.setLevel(payload.stock); }
    },
    "totals.changed": function (payload) {
      if (!fresh("totals", payload.seq)) { return; }
      host.setFlash(payload.flash_sales);
      text("wall-orders", payload.totals.orders + " " + strings.orders);
    },
    "product.pinned": function (payload) { host.setPinned(payload.pinned_sku); },
    "lineup.changed": function (payload) { host.setLineup(payload.products); },
    "broadcast.changed": function (payload) { setTitle(payload.broadcast); }
  };
  window.liveFeed = LiveDesk.connectLive("/live", host.broadcastId, handlers);
}());
