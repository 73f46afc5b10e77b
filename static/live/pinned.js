// The host page's pinned-product card: link number, name, live price, available / sold, the countdown of a
// flash sale selling it, and a one-click Unpin. #pinned keeps the pinned SKU as text (scripts and tests read it).
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk, format = LiveDesk.format;
  var host = LiveDesk.host, strings = host.strings;
  var card = document.getElementById("pinned-card");
  var unpin = document.getElementById("pinned-unpin");

  function text(id, value) { document.getElementById(id).textContent = value; }

  function draw() {
    var product = host.pinned ? host.bySku.get(host.pinned) : null;
    document.getElementById("pinned").textContent = host.pinned || "—";
    document.getElementById("pinned-empty").hidden = Boolean(host.pinned);
    card.dataset.state = product ? host.stockState(product) : (host.pinned ? "ok" : "none");
    text("pinned-link", product && product.link_no ? format(strings.pinnedLink, {n: product.link_no}) : "");
    text("pinned-name", product ? product.name : (host.pinned || ""));
    text("pinned-price", product ? host.price(product) : "");
    text("pinned-stock", product ? (product.stock > 0 ? format(strings.available, {n: product.stock}) : strings.soldOut) +
         " / " + format(strings.sold, {n: host.taken(product)}) : "");
    if (unpin) { unpin.hidden = !host.pinned; }
    tick();
  }

  function tick() {
    var node = document.getElementById("pinned-flash");
    var product = host.pinned ? host.bySku.get(host.pinned) : null;
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
  host.on("stock", function (sku) { if (sku === host.pinned) { draw(); } });
  setInterval(tick, 1000);
}());
