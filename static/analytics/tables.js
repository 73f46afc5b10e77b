// Numbers and tables of the analytics pages: headline tiles, the per-product table with variants folded under
// their product, and the GPM denominator switch (per 1,000 views or per 1,000 viewers; the API has both).
// Rows are built with textContent only (SKUs come from outside); the table's own headers label the phone cards.
(function (global) {
  "use strict";

  var GPM_KEY = "livedesk.analytics.gpm";

  var format = {
    rate: function (v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(2) + "%"; },
    money: function (v) { return window.LiveDesk.money(v); },
    amount: function (v) {
      if (v === null || v === undefined) { return "—"; }
      return Number.isInteger(v) ? v.toLocaleString("en-US")
        : v.toLocaleString("en-US", {minimumFractionDigits: 1, maximumFractionDigits: 1});
    }
  };
  var KINDS = {click_rate: "rate", conversion_rate: "rate", click_to_buy_rate: "rate", gmv: "money", gpm: "money",
               gpm_per_viewer: "money", uv_value: "money", aov: "money", aov_per_paid_order: "money",
               net_gmv: "money", refund_rate: "rate", return_rate: "rate"};

  function headline(root, metrics) {
    root.querySelectorAll("[data-metric]").forEach(function (node) {
      var name = node.dataset.metric;
      node.textContent = format[KINDS[name] || "amount"](metrics[name]);
    });
  }

  function cell(tr, text, cls, label) {
    var td = document.createElement("td");
    td.textContent = text;
    td.className = cls || "";
    if (label) { td.dataset.label = label; }
    tr.appendChild(td);
    return td;
  }

  function toggleLabel(button, strings) {
    var open = button.getAttribute("aria-expanded") === "true";
    button.textContent = open ? strings.hideVariants
      : String(strings.variants).replace("{n}", button.dataset.count);
  }

  // Rebuilds the product rows; a product whose variants were unfolded stays unfolded across redraws.
  function productRows(tbody, metrics, strings) {
    var heads = Array.prototype.map.call(tbody.closest("table").tHead.rows[0].cells,
                                         function (th) { return th.textContent.trim(); });
    var open = {};
    tbody.querySelectorAll(".variant-toggle[aria-expanded=true]").forEach(function (button) {
      open[button.closest("tr").dataset.sku] = true;
    });
    tbody.textContent = "";
    Object.keys(metrics.by_product).forEach(function (sku) {
      var p = metrics.by_product[sku], variants = Object.keys(p.variants || {});
      var tr = document.createElement("tr");
      tr.className = "product";
      tr.dataset.sku = sku;
      var first = cell(tr, sku, "mono", heads[0]);
      if (variants.length) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "variant-toggle neutral";
        button.dataset.count = String(variants.length);
        button.setAttribute("aria-expanded", open[sku] ? "true" : "false");
        toggleLabel(button, strings);
        first.appendChild(document.createTextNode(" "));
        first.appendChild(button);
      }
      [p.clicks, p.clickers, p.orders, p.units].forEach(function (v, i) { cell(tr, format.amount(v), "num", heads[i + 1]); });
      cell(tr, format.money(p.gmv), "num", heads[5]);
      [p.pinned_seconds, p.clicks_while_pinned, p.orders_while_pinned].forEach(function (v, i) {
        cell(tr, format.amount(v), "num", heads[i + 6]);
      });
      tbody.appendChild(tr);
      variants.forEach(function (variant) {
        var v = p.variants[variant], row = document.createElement("tr");
        row.className = "variant";
        row.dataset.sku = sku;
        row.dataset.variant = variant;
        row.hidden = !open[sku];
        cell(row, variant, "mono", strings.variant);
        cell(row, "", "num blank");
        cell(row, "", "num blank");
        cell(row, format.amount(v.orders), "num", heads[3]);
        cell(row, format.amount(v.units), "num", heads[4]);
        cell(row, format.money(v.gmv), "num", heads[5]);
        ["", "", ""].forEach(function () { cell(row, "", "num blank"); });
        tbody.appendChild(row);
      });
    });
  }

  // One listener per table: a toggle shows or hides the variant rows of its product.
  function foldVariants(table, strings) {
    table.querySelectorAll(".variant-toggle").forEach(function (button) { toggleLabel(button, strings); });
    table.addEventListener("click", function (event) {
      var button = event.target.closest(".variant-toggle");
      if (!button) { return; }
      var open = button.getAttribute("aria-expanded") !== "true", sku = button.closest("tr").dataset.sku;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      toggleLabel(button, strings);
      table.querySelectorAll("tr.variant").forEach(function (row) {
        if (row.dataset.sku === sku) { row.hidden = !open; }
      });
    });
    global.LiveDesk.scriptReady(table);
  }

  // Shows GPM per 1,000 views or per 1,000 viewers everywhere on the page, remembers the choice, and carries it
  // in the address and the links that keep it (the report, the dashboard, the standalone download).
  function gpmSwitch(root) {
    function apply(basis, remember) {
      root.dataset.gpm = basis;
      document.querySelectorAll("[data-gpm]").forEach(function (node) {
        if (node !== root) { node.hidden = node.dataset.gpm !== basis; }
      });
      document.querySelectorAll("#gpm-switch input").forEach(function (input) { input.checked = input.value === basis; });
      document.querySelectorAll("[data-keeps-gpm]").forEach(function (node) {
        if (node.tagName === "INPUT") { node.value = basis; return; }
        var url = new URL(node.href, global.location.href);
        url.searchParams.set("gpm", basis);
        node.href = url.pathname + url.search;
      });
      var here = new URL(global.location.href);
      here.searchParams.set("gpm", basis);
      global.history.replaceState(null, "", here.pathname + here.search);
      if (remember) { try { global.localStorage.setItem(GPM_KEY, basis); } catch (e) { /* private mode */ } }
    }
    var asked = new URL(global.location.href).searchParams.get("gpm"), saved = null;
    try { saved = global.localStorage.getItem(GPM_KEY); } catch (e) { saved = null; }
    if (!asked && (saved === "views" || saved === "viewers") && saved !== root.dataset.gpm) { apply(saved, false); }
    document.querySelectorAll("#gpm-switch input").forEach(function (input) {
      input.addEventListener("change", function () { if (input.checked) { apply(input.value, true); } });
    });
    global.LiveDesk.scriptReady(document.getElementById("gpm-switch"));
  }

  global.LiveDeskTables = {format: format, headline: headline, productRows: productRows, foldVariants: foldVariants,
                           gpmSwitch: gpmSwitch};
})(window);
