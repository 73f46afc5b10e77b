// The host page's product rail (issue 12): the line-up in rail order, each product with its link number, name,
// price (a running flash sale's, the live price struck through), a stock bar, units left and sold (the
// catalogue's, in every show: the rail's heading says so), and while the broadcast is live a one-click Pin / Unpin
// (POST /api/v1/broadcasts/<id>/pin and /unpin: one product pinned at a time). Variants fold under their product.
// Low stock is amber, sold out red. A stock push redraws only its product's row, keeping keyboard focus on the
// same control. A failed Pin says why under its row and in a toast. Text from the API is set with textContent only.
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk, el = LiveDesk.el, format = LiveDesk.format, send = LiveDesk.send;
  var host = LiveDesk.host, strings = host.strings;
  var railList = document.getElementById("rail");
  var rows = new Map();     // product SKU -> li
  var openVariants = new Set();  // products whose variants the host unfolded: they stay open across redraws
  var busy = false;
  var errors = new Map();  // product SKU -> why its last Pin / Unpin failed: shown in its row, kept across redraws

  function message(result) {
    return (result.data && result.data.error && result.data.error.message) || strings.failed;
  }

  // A failed Pin is told where the host tapped: under that product's row, and in a toast that stays in view
  // however far the rail is scrolled.
  function setError(sku, text) {
    if (text) { errors.set(sku, text); } else { errors.delete(sku); }
    drawOne(sku);
    if (text) {
      var product = host.bySku.get(sku);
      LiveDesk.toast((product ? product.name + ": " : "") + text, {tone: "danger"});
    }
  }

  // Pin the product, or unpin it when it is the pinned one; the product.pinned push redraws every page.
  function toggle(sku) {
    if (busy) { return; }
    busy = true;
    if (errors.has(sku)) { setError(sku); }
    var action = sku === host.pinned ? "unpin" : "pin";
    send("POST", "/api/v1/broadcasts/" + host.broadcastId + "/" + action, {sku: sku}).then(function (result) {
      busy = false;
      if (result.ok) { host.setPinned(result.data.pinned_sku); } else { setError(sku, message(result)); }
    }, function () { busy = false; setError(sku, strings.offline); });
  }
  host.togglePin = toggle;

  function bar(item) {
    var had = (item.stock || 0) + (item.reserved || 0) + (item.sold || 0);
    var track = el("span", null, "stockbar");
    track.setAttribute("aria-hidden", "true");
    var fill = el("span", null, "fill");
    fill.style.width = (had ? Math.round(100 * (item.stock || 0) / had) : 0) + "%";  // CSSOM: allowed by the CSP
    track.appendChild(fill);
    return track;
  }

  function leftText(item) {
    return item.stock > 0 ? format(strings.stockLeft, {n: item.stock}) : strings.soldOut;
  }

  function variantsOf(product) {
    var list = product.variants || [];
    var details = el("details", null, "variants");
    details.open = openVariants.has(product.sku);
    details.addEventListener("toggle", function () {
      if (details.open) { openVariants.add(product.sku); } else { openVariants.delete(product.sku); }
    });
    var low = list.filter(function (v) { return host.stockState(v) !== "ok"; }).length;
    var summary = el("summary", format(strings.variants, {n: list.length}));
    if (low) {
      summary.appendChild(el("span", " · " + low + " " + strings.low, "variant-alert"));
    }
    details.appendChild(summary);
    var chips = el("ul", null, "variant-chips");
    list.forEach(function (v) {
      var chip = el("li", null, "chip " + host.stockState(v));
      chip.dataset.sku = v.sku;
      chip.appendChild(el("span", v.name || v.sku, "vname"));
      chip.appendChild(el("span", v.stock > 0 ? String(v.stock) : strings.soldOut, "vleft"));
      chip.title = leftText(v) + " · " + format(strings.sold, {n: host.taken(v)});
      chips.appendChild(chip);
    });
    details.appendChild(chips);
    return details;
  }

  function row(product) {
    var isPinned = product.sku === host.pinned;
    var stockState = host.stockState(product);
    var li = el("li", null, "rail-item " + stockState + (isPinned ? " pinned" : ""));
    li.dataset.sku = product.sku;
    var main = el("div", null, "rail-main");
    var link = el("span", product.link_no ? format(strings.linkShort, {n: product.link_no}) : "—", "link-no");
    if (product.link_no) { link.title = format(strings.link, {n: product.link_no}); }
    main.appendChild(link);
    var what = el("span", null, "what");
    var name = el("strong", product.name, "name");
    name.title = product.name + " · " + product.sku;
    what.appendChild(name);
    var price = el("span", null, "price");
    host.drawPrice(price, product);
    what.appendChild(price);
    main.appendChild(what);
    main.appendChild(bar(product));
    main.appendChild(el("span", leftText(product), "left"));
    var sold = el("span", format(strings.sold, {n: host.taken(product)}), "sold");
    sold.title = format(strings.takenAllShows, {n: host.taken(product), paid: product.sold || 0,
                                                reserved: product.reserved || 0});
    main.appendChild(sold);
    if (host.canPin() && product.link_no) {
      var b = el("button", isPinned ? strings.unpin : strings.pin, isPinned ? "neutral unpin" : "approve pin");
      b.type = "button";
      b.setAttribute("aria-pressed", isPinned ? "true" : "false");
      b.setAttribute("aria-label", (isPinned ? strings.unpin : strings.pin) + " " + product.name);
      b.addEventListener("click", function () { toggle(product.sku); });
      main.appendChild(b);
    }
    li.appendChild(main);
    if (errors.has(product.sku)) {
      var error = el("p", errors.get(product.sku), "form-error rail-error");
      error.setAttribute("role", "alert");
      li.appendChild(error);
    }
    if (product.variants && product.variants.length) { li.appendChild(variantsOf(product)); }
    return li;
  }

  // Redraws keep the control the host is on (the same product's Pin or variants) focused.
  function drawAll() {
    LiveDesk.keepFocus(railList, "data-sku", function () {
      rows.clear();
      railList.replaceChildren();
      host.products.forEach(function (product) {
        var li = row(product);
        rows.set(product.sku, li);
        railList.appendChild(li);
      });
    });
    document.getElementById("rail-empty").hidden = host.products.length > 0;
    var note = document.getElementById("rail-not-live");
    if (note) { note.hidden = !host.canManage || host.canPin() || !host.status; }
  }

  // Prices follow the flash sales (started, ended, out of flash units) without redrawing the rows.
  function drawPrices() {
    rows.forEach(function (li, sku) {
      var product = host.bySku.get(sku), node = li.querySelector(".what .price");
      if (product && node) { host.drawPrice(node, product); }
    });
  }

  function drawOne(sku) {
    var old = rows.get(sku), product = host.bySku.get(sku);
    if (!old || !product) { return; }
    LiveDesk.keepFocus(railList, "data-sku", function () {
      var fresh = row(product);
      railList.replaceChild(fresh, old);
      rows.set(sku, fresh);
    });
  }

  host.on("lineup", drawAll);
  // Started or ended while the page is open: the Pin buttons come or go with it.
  host.on("status", function () { errors.clear(); drawAll(); });
  host.on("stock", drawOne);
  host.on("flash", drawPrices);
  setInterval(drawPrices, 1000);
  var lastPinned = null;
  host.on("pinned", function () {
    var before = lastPinned;
    lastPinned = host.pinned;
    if (before) { drawOne(before); }
    if (host.pinned) { drawOne(host.pinned); }
  });
}());
