// The fulfilment page: select paid orders and mark them packed in bulk; ship one from its row. Rows change in
// place from the API's answers (text only: order ids and SKUs are data, never HTML).
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk;
  var strings = JSON.parse(document.getElementById("fulfilment-strings").textContent);
  var messages = strings.messages;
  var table = document.getElementById("to-pack");
  var packButton = document.getElementById("mark-packed");
  var count = document.getElementById("selected-count");
  var selectAll = document.getElementById("select-all");

  function badge(status) {
    var classes = {packing: "info", partially_shipped: "attention", shipped: "info", delivered: "good"};
    var node = LiveDesk.el("span", strings.orderStatus[status] || status, "badge " + (classes[status] || status));
    node.dataset.status = status;
    return node;
  }

  // The counts at the top follow the rows: a status's count goes down, the next one's up (shipped has none).
  var COUNT_OF = {paid: "to_pack", packing: "packed", partially_shipped: "partly_shipped"};

  function bump(status, by) {
    var figure = document.querySelector('[data-count="' + COUNT_OF[status] + '"] strong');
    if (figure) { figure.textContent = String(Math.max(0, (parseInt(figure.textContent, 10) || 0) + by)); }
  }

  function setStatus(row, status) {
    if (row.dataset.status !== status) { bump(row.dataset.status, -1); bump(status, 1); }
    row.dataset.status = status;
    var cell = row.querySelector(".status-cell");
    cell.replaceChildren(badge(status));
    if (status !== "paid") {
      var box = row.querySelector(".select-order");
      if (box) { box.remove(); }
    }
  }

  // After a partial shipment: the row's "Left to ship" and its part form offer only what is left, the form's
  // defaults included (ship.js resets the form after the event).
  function subtractShipped(row, lines) {
    var cell = row.querySelector(".left-cell"), left = {}, order = [];
    cell.querySelectorAll(".sku-units").forEach(function (span) {
      left[span.dataset.sku] = parseInt(span.dataset.qty, 10) || 0;
      order.push(span.dataset.sku);
    });
    lines.forEach(function (line) { left[line.sku] = (left[line.sku] || 0) - line.qty; });
    var kept = order.filter(function (sku) { return left[sku] > 0; });
    cell.replaceChildren();
    kept.forEach(function (sku, index) {
      if (index) { cell.appendChild(document.createTextNode(", ")); }
      var span = LiveDesk.el("span", sku + " ×" + left[sku], "mono sku-units");
      span.dataset.sku = sku;
      span.dataset.qty = String(left[sku]);
      cell.appendChild(span);
    });
    var part = row.querySelector("details.ship-lines");
    if (!part) { return; }
    var units = kept.reduce(function (sum, sku) { return sum + left[sku]; }, 0);
    if (kept.length < 2 && units < 2) { part.remove(); return; }  // as the template: nothing left to split
    part.querySelectorAll('input[name="qty"]').forEach(function (input) {
      var n = left[input.dataset.sku] || 0, label = input.closest("label");
      if (n <= 0) { label.remove(); return; }
      input.max = String(n);
      input.defaultValue = input.value = String(n);
      if (label.firstChild && label.firstChild.nodeType === 3) {
        label.firstChild.textContent = LiveDesk.format(part.dataset.leftLabel, {sku: input.dataset.sku, n: n});
      }
    });
  }

  function selected() {
    return Array.prototype.map.call(table ? table.querySelectorAll(".select-order:checked") : [],
                                    function (box) { return box.value; });
  }

  function refreshSelection() {
    var ids = selected();
    if (packButton) { packButton.disabled = ids.length === 0; }
    if (count) { count.textContent = ids.length ? LiveDesk.format(messages.selected, {n: ids.length}) : ""; }
  }

  if (table) {
    table.addEventListener("change", function (event) {
      if (event.target.classList.contains("select-order")) { refreshSelection(); }
    });
    table.addEventListener("fulfilment:shipped", function (event) {
      var shipment = event.detail;
      var row = event.target.closest("tr");
      setStatus(row, shipment.order_status);
      if (shipment.order_status === "shipped") {
        row.querySelector(".left-cell").textContent = messages.allShipped;
        var toggle = row.querySelector(".ship-toggle");
        if (toggle) { toggle.remove(); }
      } else {
        subtractShipped(row, shipment.lines || []);
        event.target.closest("details").open = false;
      }
      LiveDesk.toast(LiveDesk.format(messages.shipped, {order: shipment.order_id, carrier: shipment.carrier,
                                                        number: shipment.tracking_no}), {tone: "good"});
    });
  }

  if (selectAll) {
    selectAll.addEventListener("change", function () {
      table.querySelectorAll(".select-order").forEach(function (box) { box.checked = selectAll.checked; });
      refreshSelection();
    });
    LiveDesk.scriptReady(selectAll);
  }

  if (packButton) {
    packButton.addEventListener("click", function () {
      var ids = selected();
      packButton.disabled = true;
      LiveDesk.send("POST", "/api/v1/orders/pack", {order_ids: ids}).then(function (answer) {
        if (!answer.ok) {
          LiveDesk.toast((answer.data.error && answer.data.error.message) || messages.failed, {tone: "danger"});
          return;
        }
        answer.data.packed.forEach(function (orderId) {
          var row = table.querySelector('tr[data-order-id="' + CSS.escape(orderId) + '"]');
          if (row) { setStatus(row, "packing"); }
        });
        LiveDesk.toast(LiveDesk.format(messages.packed, {n: answer.data.packed.length}), {tone: "good"});
        if (answer.data.refused.length) {
          LiveDesk.toast(LiveDesk.format(messages.refused, {n: answer.data.refused.length}), {tone: "attention"});
        }
      }, function () {
        LiveDesk.toast(messages.offline, {tone: "danger"});
      }).then(function () {
        if (selectAll) { selectAll.checked = false; }
        refreshSelection();
      });
    });
  }
  refreshSelection();
})(window);
