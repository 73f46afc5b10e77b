// The host page's pinned-product card: link number, name, price (a running flash sale's, the live price struck
// through), available / sold (the catalogue's, in every show: labelled so), the countdown of a flash sale selling
// it, and a one-click Unpin while the broadcast is live. #pinned keeps the pinned SKU as text (scripts and tests
// read it; empty when nothing is pinned).
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk, format = LiveDesk.format;
  var host = LiveDesk.host, strings = host.strings;
  var card = document.getElementById("pinned-card");
  var unpin = document.getElementById("pinned-unpin");

  function text(id, value) { document.getElementById(id).textContent = value; }

  function draw() {
    var product = host.pinned ? host.bySku.get(host.pinned) : null;
    document.getElementById("pinned").textContent = host.pinned || "";
    // Nothing pinned: the empty state alone, no blank name line or placeholder above it.
    document.getElementById("pinned-title").hidden = !host.pinned;
    document.getElementById("pinned-facts").hidden = !host.pinned;
    document.getElementById("pinned-empty").hidden = Boolean(host.pinned);
    card.dataset.state = product ? host.stockState(product) : (host.pinned ? "ok" : "none");
    text("pinned-link", product && product.link_no ? format(strings.pinnedLink, {n: product.link_no}) : "");
    text("pinned-name", product ? product.name : (host.pinned || ""));
    text("pinned-stock", product ? (product.stock > 0 ? format(strings.available, {n: product.stock}) : strings.soldOut) +
         " / " + format(strings.soldAllShows, {n: host.taken(product)}) : "");
    document.getElementById("pinned-stock").title = product ?
      format(strings.takenAllShows, {n: host.taken(product), paid: product.sold || 0, reserved: product.reserved || 0}) : "";
    if (unpin) { unpin.hidden = !host.pinned || !host.canPin(); }
    tick();
  }

  // Every second: the countdown, and the price once a sale starts, ends or runs out of flash units.
  function tick() {
    var node = document.getElementById("pinned-flash");
    var product = host.pinned ? host.bySku.get(host.pinned) : null;
    host.drawPrice(document.getElementById("pinned-price"), product);
    var sale = host.flashFor(product);
    node.hidden = !sale;
    node.textContent = sale ? format(strings.flashEnds, {t: host.countdown(sale.ends_at)}) : "";
  }

  if (unpin) {
    unpin.addEventListener("click", function () {
      if (host.pinned) { host.togglePin(host.pinned); }
    });
  }
  host.on("pinned", draw);
  host.on("lineup", draw);
  host.on("flash", draw);
  host.on("status", draw);
  host.on("stock", function (sku) { if (sku === host.pinned) { draw(); } });
  setInterval(tick, 1000);
}());
