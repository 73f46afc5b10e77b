// The host page's order feed: the newest FEED_LIMIT orders by time placed (newest first, order id breaking ties).
// A status change redraws its row where it is; an order older than every row kept is not brought back. While the
// host points at the feed or has scrolled it, new orders wait behind "n new · resume" (static/live/host_lists.js).
// A chat claim's draft completed by the platform's order comes back under the platform's order id with the draft's
// id in order.replaces (orders/claims/completion.py) and the platform's time placed, which the server keeps (a reload
// sorts it there): it takes the draft's row and moves to its place by time. Buyer text is set with textContent only.
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk, el = LiveDesk.el, localTime = LiveDesk.localTime;
  var host = LiveDesk.host, strings = host.strings;
  var FEED_LIMIT = 200;  // rows kept in the DOM, so 10,000 orders do not freeze the tab
  var feed = document.getElementById("feed");
  var labels = Array.prototype.map.call(feed.closest("table").querySelectorAll("thead th"), function (th) {
    return th.textContent;
  });
  var rows = new Map();  // order id -> tr
  var pauser = LiveDesk.pausable(feed.closest("table"), document.getElementById("feed-new"), false, strings.newItems);

  function money(value) { return LiveDesk.money(value || "0.00"); }

  function cell(index, content, cls) {
    var td = el("td", typeof content === "string" ? content : null, cls);
    if (typeof content !== "string") { td.appendChild(content); }
    td.dataset.label = labels[index];
    return td;
  }

  function row(order) {
    var tr = el("tr");
    tr.dataset.orderId = order.order_id;
    tr.dataset.placed = String(new Date(order.placed_at).getTime());
    tr.appendChild(cell(0, localTime(order.placed_at), "time"));
    tr.appendChild(cell(1, order.order_id, "mono"));
    var buyer = order.buyer || {}, addr = buyer.address || {};
    var who = el("div");
    who.appendChild(el("div", buyer.name || "—"));
    who.appendChild(el("div", [buyer.phone, addr.province, addr.city, addr.district].filter(Boolean).join(" "), "muted small"));
    tr.appendChild(cell(2, who, "buyer"));
    tr.appendChild(cell(3, (order.items || []).map(function (i) { return i.sku + " ×" + i.qty; }).join(", ")));
    tr.appendChild(cell(4, money(order.total), "num"));
    tr.appendChild(cell(5, el("span", strings[order.status] || order.status, "badge " + order.status)));
    return tr;
  }

  // True when order a was placed after order b (ties: the larger order id, as strings compare).
  function newer(placedA, idA, tr) {
    var placedB = Number(tr.dataset.placed);
    return placedA !== placedB ? placedA > placedB : idA > tr.dataset.orderId;
  }

  function insert(order, isNew) {
    if (update(order, true)) { return; }  // kept already, under its own id or its draft's
    var placed = new Date(order.placed_at).getTime();
    var full = feed.rows.length >= FEED_LIMIT;
    var last = feed.rows[feed.rows.length - 1];
    if (full && last && !newer(placed, order.order_id, last)) { return; }  // older than all kept: not shown
    var tr = row(order);
    var before = Array.prototype.find.call(feed.rows, function (other) { return newer(placed, order.order_id, other); });
    feed.insertBefore(tr, before || null);
    if (isNew) { tr.classList.add("flash-new"); }
    rows.set(order.order_id, tr);
    while (feed.rows.length > FEED_LIMIT) {
      var drop = feed.rows[feed.rows.length - 1];
      rows.delete(drop.dataset.orderId);
      feed.removeChild(drop);
    }
    document.getElementById("feed-empty").hidden = true;
  }

  function forget(orderId) {
    var tr = rows.get(orderId);
    if (tr) { rows.delete(orderId); feed.removeChild(tr); }
  }

  // Whether a row for the order belongs where tr is now: after every newer row, before every older one.
  function inPlace(order, tr) {
    var placed = new Date(order.placed_at).getTime();
    var above = tr.previousElementSibling, below = tr.nextElementSibling;
    return (!above || !newer(placed, order.order_id, above)) && (!below || newer(placed, order.order_id, below));
  }

  // Redraws a kept order (under its own id or its draft's) and returns true; false when it is not kept. A row that no
  // longer belongs where it is (a draft completed by an order placed later: the server keeps the order's time) moves
  // to its place: at once when `now` (the row is being shown anyway) or the feed is not being read, else when the host
  // stops reading it; until then the row stays as it was, so the list reads in time order and nothing moves under
  // the reader.
  function update(order, now) {
    var existing = rows.get(order.order_id), draftId = null;
    if (order.replaces && order.replaces !== order.order_id) {
      if (existing) { forget(order.replaces); } else if (rows.has(order.replaces)) {
        existing = rows.get(order.replaces);
        draftId = order.replaces;
      }
    }
    if (!existing) { return false; }
    var tr = row(order);
    if (!inPlace(order, existing)) {
      if (now) { move(order, existing, draftId); } else { pauser.add(function () { update(order, true); }, FEED_LIMIT); }
      return true;
    }
    if (draftId) { rows.delete(draftId); }
    feed.replaceChild(tr, existing);
    rows.set(order.order_id, tr);
    return true;
  }

  // Takes the order's old row out and shows it at its place by time (or not at all, if older than every row kept).
  function move(order, existing, draftId) {
    rows.delete(draftId || order.order_id);
    feed.removeChild(existing);
    insert(order, false);
  }

  host.feed = {
    // The snapshot's orders (any order): the feed starts again from them.
    load: function (orders) {
      pauser.clear();
      rows.clear();
      feed.replaceChildren();
      orders.slice().sort(function (a, b) {
        var pa = new Date(a.placed_at).getTime(), pb = new Date(b.placed_at).getTime();
        return pb - pa || (a.order_id < b.order_id ? 1 : -1);
      }).slice(0, FEED_LIMIT).forEach(function (o) { insert(o, false); });
      document.getElementById("feed-empty").hidden = feed.rows.length > 0;
    },
    // order.created: shown now, or when the host stops reading the feed.
    created: function (order) {
      if (!update(order, false)) { pauser.add(function () { insert(order, true); }, FEED_LIMIT); }
    },
    // order.updated: the row changes where it is (or moves to its place by time, as update() says); an order not
    // kept is shown only if it is newer than the oldest.
    updated: function (order) {
      if (!update(order, false)) { pauser.add(function () { insert(order, false); }, FEED_LIMIT); }
    }
  };
}());
