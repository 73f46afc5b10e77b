// The host page's shared state (loaded first): the broadcast's status, the line-up products with their stock, the
// pinned SKU and the running flash sales, fed by host.js from the snapshot and the /live pushes. The rail, the
// pinned card, selling now and the flash panel read it and listen for changes: "status" (the broadcast started or
// ended), "lineup" (the list changed), "stock" (one product's levels, with its SKU), "pinned" and "flash".
(function () {
  "use strict";
  var root = document.querySelector("[data-broadcast-id]");  // #host, or #wall on the wall display
  var listeners = {};
  var state = window.LiveDesk.host = {
    broadcastId: parseInt(root.dataset.broadcastId, 10),
    canManage: root.dataset.canManage === "true",
    root: root,
    strings: JSON.parse(document.getElementById("strings").textContent),
    products: [],          // rail order
    bySku: new Map(),      // product SKU -> product
    owner: new Map(),      // SKU of a product or variant -> product SKU
    status: root.dataset.status || null,  // the broadcast's: "scheduled", "live" or "ended"
    pinned: null,
    flash: [],
    clockOffset: 0         // server time minus this browser's time, in ms (from the snapshot)
  };

  state.on = function (name, fn) { (listeners[name] = listeners[name] || []).push(fn); };
  state.emit = function (name, detail) { (listeners[name] || []).forEach(function (fn) { fn(detail); }); };
  state.now = function () { return Date.now() + state.clockOffset; };

  function index() {
    state.bySku = new Map();
    state.owner = new Map();
    state.products.forEach(function (p) {
      state.bySku.set(p.sku, p);
      state.owner.set(p.sku, p.sku);
      (p.variants || []).forEach(function (v) { state.owner.set(v.sku, p.sku); });
    });
  }

  // The product's own levels are the sum of its variants' when it has some.
  function sumVariants(product) {
    if (!product.variants || !product.variants.length) { return; }
    ["stock", "reserved", "sold", "waitlisted"].forEach(function (key) {
      product[key] = product.variants.reduce(function (n, v) { return n + (v[key] || 0); }, 0);
    });
  }

  // Products with stock, as the snapshot gives them (rail order).
  state.setProducts = function (products) {
    state.products = (products || []).slice();
    index();
    state.emit("lineup");
  };

  // The lineup.changed push: entries without stock; products seen before keep theirs, new ones are read once.
  state.setLineup = function (entries) {
    var missing = [];
    state.products = (entries || []).map(function (entry) {
      var known = state.bySku.get(entry.sku);
      var product = Object.assign({}, known || {stock: 0, reserved: 0, sold: 0, waitlisted: 0, variants: []}, entry);
      if (!known) { missing.push(product); }
      return product;
    });
    index();
    var pinnedEntry = state.products.filter(function (p) { return p.pinned; })[0];
    state.pinned = pinnedEntry ? pinnedEntry.sku : null;
    state.emit("lineup");
    state.emit("pinned");
    missing.forEach(function (product) {
      fetch("/api/v1/products/" + encodeURIComponent(product.sku), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (!body || state.bySku.get(product.sku) !== product) { return; }
          ["stock", "reserved", "sold", "variants"].forEach(function (key) { product[key] = body[key]; });
          index();
          state.emit("stock", product.sku);
        }, function () {});
    });
  };

  // A stock.changed push for a product's or a variant's SKU.
  state.setLevel = function (level) {
    var productSku = state.owner.get(level.sku);
    var product = productSku && state.bySku.get(productSku);
    if (!product) { return; }
    var target = product.sku === level.sku ? product :
      (product.variants || []).filter(function (v) { return v.sku === level.sku; })[0];
    if (!target) { return; }
    target.stock = level.available;
    target.reserved = level.reserved;
    target.sold = level.sold;
    target.waitlisted = level.waitlisted || 0;
    sumVariants(product);
    state.emit("stock", product.sku);
  };

  // The broadcast's status from the snapshot or a broadcast.changed push; "status" only when it changed.
  state.setStatus = function (status) {
    if (status === state.status) { return; }
    state.status = status;
    root.dataset.status = status || "";
    state.emit("status");
  };

  // Only a live broadcast's products can be pinned or unpinned (the pin API refuses the others).
  state.canPin = function () { return state.canManage && state.status === "live"; };

  state.setPinned = function (sku) {
    state.pinned = sku || null;
    root.dataset.pinned = state.pinned || "";
    state.emit("pinned");
  };

  state.setFlash = function (sales) {
    state.flash = sales || [];
    state.emit("flash");
  };

  // Units a host calls sold: paid, and ordered but awaiting payment (reserved for the buyer). These are the
  // catalogue's levels, so they count every broadcast (and any other sale) of the product: pages label them so.
  state.taken = function (item) { return (item.sold || 0) + (item.reserved || 0); };

  // The product's live price, else its catalogue price.
  state.price = function (product) { return window.LiveDesk.money(product.live_price || product.price); };

  // "soldout", "low" or "ok": low is at most 5 units or a tenth of what there was, whichever is more.
  state.stockState = function (item) {
    var left = item.stock || 0;
    var had = left + (item.reserved || 0) + (item.sold || 0);
    if (left <= 0) { return "soldout"; }
    return left <= Math.max(5, Math.ceil(had / 10)) ? "low" : "ok";
  };

  // "mm:ss" (or "h:mm:ss") until an instant, by the server's clock; "" once it passed.
  state.countdown = function (iso) {
    var left = Math.floor((new Date(iso).getTime() - state.now()) / 1000);
    if (!(left > 0)) { return ""; }
    var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
    var mmss = String(m).padStart(2, "0") + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mmss : mmss;
  };

  // The running flash sale that sells this product (or one of its variants), if any.
  state.flashFor = function (product) {
    if (!product) { return null; }
    var skus = [product.sku].concat((product.variants || []).map(function (v) { return v.sku; }));
    return state.flash.filter(function (sale) {
      return sale.skus.some(function (sku) { return skus.indexOf(sku) >= 0; }) && state.countdown(sale.ends_at);
    })[0] || null;
  };

  // The running flash sale that sells this product at its own price right now (units left at the flash price),
  // if any: its price is then what a buyer pays, the live price only what it was.
  state.saleFor = function (product) {
    var sale = state.flashFor(product);
    return sale && !(sale.remaining <= 0) ? sale : null;
  };

  // Draws the price of a product into node: the flash price with the usual one struck through while a sale sells
  // it, else the usual price. data-flash on node names the sale (pages and tests read it).
  state.drawPrice = function (node, product) {
    var sale = product ? state.saleFor(product) : null;
    var now = product ? (sale ? window.LiveDesk.money(sale.price) : state.price(product)) : "";
    var was = sale ? state.price(product) : "";
    if (node.dataset.flash === (sale ? sale.code : "") && node.dataset.shown === now + "|" + was) { return; }
    node.dataset.flash = sale ? sale.code : "";
    node.dataset.shown = now + "|" + was;
    node.replaceChildren();
    if (!product) { return; }
    var current = document.createElement("span");
    current.className = "price-now";
    current.textContent = now;
    node.appendChild(current);
    if (sale) {
      var old = document.createElement("s");
      old.className = "price-was";
      old.textContent = was;
      node.appendChild(document.createTextNode(" "));
      node.appendChild(old);
      // A sale on some of the product's variants only: say which sizes the flash price is for.
      var variants = (product.variants || []).map(function (v) { return v.sku; });
      var covered = variants.filter(function (sku) { return sale.skus.indexOf(sku) >= 0; });
      if (variants.length && sale.skus.indexOf(product.sku) < 0 && covered.length < variants.length) {
        var which = document.createElement("span");
        which.className = "price-for small muted";
        which.textContent = window.LiveDesk.format(state.strings.flashSome, {skus: covered.join(", ")});
        node.appendChild(document.createTextNode(" "));
        node.appendChild(which);
      }
    }
  };
}());
