// "Selling now" on the host page: the products with the most units sold or reserved by orders received in the last
// 5 minutes (the statuses the host's totals count: never waitlisted, held, cancelled or rejected ones), from the
// snapshot's selling_now lines and then the order pushes: an order counts once it reaches such a status (created
// so, or promoted from the waitlist) and stops counting when it leaves them (cancelled, expired). Each order counts
// once (by its id), so a push that overlaps the snapshot or a replay after a reconnect never counts twice; a resync
// reloads the snapshot and starts again. Drawn at most once a second; the window slides by the server's clock.
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk, el = LiveDesk.el, format = LiveDesk.format;
  var host = LiveDesk.host, strings = host.strings;
  var TOP = 5;
  var windowMs = 300000;
  var counted = new Map();  // order id -> {at: ms, items: [[product sku, units]]}
  var statuses = new Set(["accepted", "paid"]);  // replaced by the snapshot's
  var list = document.getElementById("selling");
  var dirty = true;

  function add(orderId, at, items) {
    if (counted.has(orderId) || !(at > host.now() - windowMs)) { return; }
    counted.set(orderId, {at: at, items: items});
    dirty = true;
  }

  // The snapshot's selling_now: {window_seconds, as_of, lines: [{order_id, received_at, sku, qty}]}.
  host.loadSelling = function (selling) {
    counted = new Map();
    windowMs = ((selling && selling.window_seconds) || 300) * 1000;
    if (selling && selling.statuses) { statuses = new Set(selling.statuses); }
    var byOrder = new Map();
    ((selling && selling.lines) || []).forEach(function (line) {
      var entry = byOrder.get(line.order_id) || {at: new Date(line.received_at).getTime(), items: []};
      entry.items.push([line.sku, line.qty]);
      byOrder.set(line.order_id, entry);
    });
    byOrder.forEach(function (entry, orderId) { add(orderId, entry.at, entry.items); });
    dirty = true;
    draw();
  };

  // An order.created push, or a fresh order.updated one (only those may take an order out: a stale creation could
  // carry the status it had before it was promoted).
  host.countOrder = function (order, created) {
    if (!statuses.has(order.status)) {
      if (!created && counted.delete(order.order_id)) { dirty = true; }
      return;
    }
    add(order.order_id, new Date(order.received_at || order.placed_at).getTime(), (order.items || []).map(function (i) {
      return [host.owner.get(i.sku) || i.sku, i.qty];
    }));
  };

  function totals() {
    var since = host.now() - windowMs, units = new Map();
    counted.forEach(function (entry, orderId) {
      if (entry.at <= since) { counted.delete(orderId); dirty = true; return; }
      entry.items.forEach(function (item) { units.set(item[0], (units.get(item[0]) || 0) + item[1]); });
    });
    return Array.from(units.entries()).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
  }

  function draw() {
    var ranked = totals();
    if (!dirty) { return; }
    dirty = false;
    var top = ranked.slice(0, TOP), most = top.length ? top[0][1] : 1;
    list.replaceChildren();
    top.forEach(function (pair) {
      var product = host.bySku.get(pair[0]);
      var li = el("li", null, product ? host.stockState(product) : "");
      li.dataset.sku = pair[0];
      var name = el("span", null, "what");
      if (product && product.link_no) { name.appendChild(el("span", format(strings.linkShort, {n: product.link_no}) + " ", "link-no")); }
      name.appendChild(el("span", product ? product.name : pair[0], "name"));
      li.appendChild(name);
      var track = el("span", null, "sellbar");
      track.setAttribute("aria-hidden", "true");
      var fill = el("span", null, "fill");
      fill.style.width = Math.round(100 * pair[1] / most) + "%";
      track.appendChild(fill);
      li.appendChild(track);
      li.appendChild(el("strong", format(strings.units, {n: pair[1]}), "units"));
      list.appendChild(li);
    });
    document.getElementById("selling-empty").hidden = top.length > 0;
  }

  host.on("lineup", function () { dirty = true; });
  setInterval(draw, 1000);
}());
