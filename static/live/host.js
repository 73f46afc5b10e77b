// Host live page: the broadcast's snapshot, then its sequenced pushes from /live (LiveDesk.connectLive, which
// catches up after a reconnect). Every buyer- or viewer-supplied string is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var el = window.LiveDesk.el, localTime = window.LiveDesk.localTime;
  var root = document.getElementById("host");
  var broadcastId = parseInt(root.dataset.broadcastId, 10);
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var FEED_LIMIT = 200;   // rows kept in the DOM; the rest are dropped so 10,000 orders do not freeze the tab
  var CHAT_LIMIT = 200;
  var feed = document.getElementById("feed");
  var rowsByOrder = new Map();
  // Pushes of one broadcast can be emitted slightly out of order by concurrent requests: per thing shown
  // (an order, a SKU's stock, the totals) only a newer seq than the one applied may change it.
  var appliedSeq = new Map();

  function fresh(key, seq) {
    if ((appliedSeq.get(key) || 0) >= seq) { return false; }
    appliedSeq.set(key, seq);
    return true;
  }

  function money(value) { return "¥" + (value || "0.00"); }

  function orderRow(order) {
    var tr = el("tr");
    tr.dataset.orderId = order.order_id;
    tr.appendChild(el("td", localTime(order.placed_at)));
    tr.appendChild(el("td", order.order_id, "mono"));
    var buyer = order.buyer || {};
    var addr = buyer.address || {};
    var who = el("td");
    who.appendChild(el("div", buyer.name || "—"));
    who.appendChild(el("div", [buyer.phone, addr.province, addr.city, addr.district].filter(Boolean).join(" "), "muted small"));
    tr.appendChild(who);
    tr.appendChild(el("td", (order.items || []).map(function (i) { return i.sku + " ×" + i.qty; }).join(", ")));
    tr.appendChild(el("td", money(order.total), "num"));
    var status = el("td");
    status.appendChild(el("span", strings[order.status] || order.status, "badge " + order.status));
    tr.appendChild(status);
    return tr;
  }

  function showOrder(order, isNew) {
    var existing = rowsByOrder.get(order.order_id);
    var row = orderRow(order);
    if (existing) {
      feed.replaceChild(row, existing);
    } else {
      feed.insertBefore(row, feed.firstChild);
      if (isNew) { row.classList.add("flash-new"); }
    }
    rowsByOrder.set(order.order_id, row);
    while (feed.rows.length > FEED_LIMIT) {
      var last = feed.rows[feed.rows.length - 1];
      rowsByOrder.delete(last.dataset.orderId);
      feed.removeChild(last);
    }
    document.getElementById("feed-empty").hidden = feed.rows.length > 0;
  }

  function setTotals(t) {
    document.getElementById("total-orders").textContent = t.orders;
    document.getElementById("total-units").textContent = t.units;
    document.getElementById("total-gmv").textContent = money(t.gmv);
    document.getElementById("total-paid").textContent = money(t.paid_gmv);
    var held = document.getElementById("total-held");
    held.textContent = t.held || 0;
    held.classList.toggle("nonzero", (t.held || 0) > 0);
  }

  var flashSales = [];

  function renderFlash(sales) {
    flashSales = sales || [];
    var list = document.getElementById("flash-list");
    list.replaceChildren();
    flashSales.forEach(function (sale) {
      var li = el("li");
      li.dataset.code = sale.code;
      li.appendChild(el("strong", sale.code + " "));
      li.appendChild(el("span", sale.skus.join(", ") + " · " + money(sale.price) + " · "));
      li.appendChild(el("span", sale.remaining + " " + strings.left, "remaining"));
      li.appendChild(el("span", "", "countdown"));
      list.appendChild(li);
    });
    document.getElementById("flash-sales").hidden = flashSales.length === 0;
    tickFlash();
  }

  function tickFlash() {
    var now = Date.now();
    flashSales.forEach(function (sale) {
      var node = document.querySelector('#flash-list li[data-code="' + CSS.escape(sale.code) + '"] .countdown');
      if (!node) { return; }
      var left = Math.max(0, Math.floor((new Date(sale.ends_at).getTime() - now) / 1000));
      var mm = String(Math.floor(left / 60)).padStart(2, "0");
      var ss = String(left % 60).padStart(2, "0");
      node.textContent = left > 0 ? " · " + strings.endsIn + " " + mm + ":" + ss : " · " + strings.ended;
    });
  }
  setInterval(tickFlash, 1000);

  function stockRow(sku, name, level) {
    var tr = el("tr");
    tr.dataset.sku = sku;
    tr.appendChild(el("td", sku, "mono"));
    tr.appendChild(el("td", name));
    tr.appendChild(el("td", level.stock, "num available"));
    tr.appendChild(el("td", level.reserved, "num reserved"));
    tr.appendChild(el("td", level.sold, "num sold"));
    tr.appendChild(el("td", level.waitlisted || 0, "num waitlisted"));
    if (level.stock === 0) { tr.classList.add("soldout"); }
    return tr;
  }

  function renderStock(products) {
    var body = document.getElementById("stock");
    body.replaceChildren();
    products.forEach(function (p) {
      if (p.variants && p.variants.length) {
        p.variants.forEach(function (v) { body.appendChild(stockRow(v.sku, p.name + " · " + v.name, v)); });
      } else {
        body.appendChild(stockRow(p.sku, p.name, p));
      }
    });
  }

  function updateStock(level) {
    var row = document.querySelector('#stock tr[data-sku="' + CSS.escape(level.sku) + '"]');
    if (!row) { return; }
    row.querySelector(".available").textContent = level.available;
    row.querySelector(".reserved").textContent = level.reserved;
    row.querySelector(".sold").textContent = level.sold;
    row.querySelector(".waitlisted").textContent = level.waitlisted || 0;
    row.classList.toggle("soldout", level.available === 0);
  }

  // The approved chat: only visible messages are ever sent here. Questions are highlighted; a purchase claim
  // shows the order it became (an order whose comment_id is the chat event's id).
  var chatList = document.getElementById("chat");
  var chatLabels = chatList.dataset;
  var chatItems = new Map();  // message_id -> li, newest first by message_id

  function orderText(order) {
    if (!order) { return chatLabels.noOrder; }
    return chatLabels.order + " " + order.order_id + " · " + (strings[order.status] || order.status);
  }

  function chatRow(message) {
    var li = el("li");
    li.dataset.messageId = message.message_id;
    li.dataset.eventId = message.id;
    if (message.is_question) {
      li.classList.add("question");
      li.appendChild(el("span", chatLabels.question, "tag question"));
    }
    var claim = message.claim;
    if (claim) {
      li.classList.add("claim");
      var what = [claim.sku, claim.variant, claim.qty ? "×" + claim.qty : null].filter(Boolean).join(" ");
      li.appendChild(el("span", chatLabels.claim + (what ? " " + what : ""), "tag claim"));
    }
    li.appendChild(el("span", message.nickname || message.viewer_id, "nick"));
    li.appendChild(el("span", message.text, "text"));
    if (claim) { li.appendChild(el("span", orderText(message.order), "order-link")); }
    return li;
  }

  function addChat(message) {
    var row = chatRow(message), existing = chatItems.get(message.message_id);
    if (existing) {
      chatList.replaceChild(row, existing);
    } else {
      var after = Array.prototype.find.call(chatList.children, function (child) {
        return Number(child.dataset.messageId) < message.message_id;
      });
      chatList.insertBefore(row, after || null);
    }
    chatItems.set(message.message_id, row);
    while (chatList.children.length > CHAT_LIMIT) {
      chatItems.delete(Number(chatList.lastChild.dataset.messageId));
      chatList.removeChild(chatList.lastChild);
    }
  }

  function removeChat(messageId) {
    var row = chatItems.get(messageId);
    if (row) { chatList.removeChild(row); chatItems.delete(messageId); }
  }

  function linkOrder(order) {
    if (!order.comment_id) { return; }
    var row = chatList.querySelector('li[data-event-id="' + CSS.escape(order.comment_id) + '"] .order-link');
    if (row) { row.textContent = orderText(order); }
  }

  // Called with each snapshot: messages after its seq are replayed by join, earlier ones come from here.
  function loadChat() {
    chatList.replaceChildren();
    chatItems.clear();
    fetch("/api/v1/broadcasts/" + broadcastId + "/chat?status=visible&limit=" + CHAT_LIMIT, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {messages: []}; })
      .then(function (body) { body.messages.forEach(addChat); })
      .catch(function () {});
  }

  function showOrderPush(name) {
    return function (payload) {
      if (fresh("order:" + payload.order.order_id, payload.seq)) {
        showOrder(payload.order, name === "order.created");
        linkOrder(payload.order);
      }
    };
  }

  var handlers = {
    state: window.LiveDesk.connectionIndicator(root, strings),
    snapshot: function (snap) {
      appliedSeq.clear();
      feed.replaceChildren();
      rowsByOrder.clear();
      snap.orders.slice().reverse().forEach(function (o) { showOrder(o, false); });
      document.getElementById("feed-empty").hidden = snap.orders.length > 0;
      setTotals(snap.totals);
      renderFlash(snap.flash_sales);
      renderStock(snap.stock);
      document.getElementById("pinned").textContent = snap.pinned_sku || "—";
      loadChat();
    },
    "order.created": showOrderPush("order.created"),
    "order.updated": showOrderPush("order.updated"),
    "stock.changed": function (payload) {
      if (fresh("stock:" + payload.stock.sku, payload.seq)) { updateStock(payload.stock); }
    },
    "totals.changed": function (payload) {
      if (fresh("totals", payload.seq)) { setTotals(payload.totals); renderFlash(payload.flash_sales); }
    },
    "chat.message": function (payload) { addChat(payload.message); },
    "chat.hidden": function (payload) { removeChat(payload.message_id); },
    "product.pinned": function (payload) { document.getElementById("pinned").textContent = payload.pinned_sku || "—"; },
    "broadcast.changed": function (payload) {
      var badge = document.getElementById("broadcast-status");
      badge.textContent = (strings.broadcast || {})[payload.broadcast.status] || payload.broadcast.status;
      badge.className = "badge " + payload.broadcast.status;
    }
  };

  // Exposed for operators' debugging in the console and for the browser tests' reconnect check.
  window.liveFeed = window.LiveDesk.connectLive("/live", broadcastId, handlers);
})();
