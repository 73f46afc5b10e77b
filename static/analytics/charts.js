// Charts and tables of the analytics pages, drawn from the metrics JSON (docs/metrics.md) with Plotly.react.
// Mirrors analytics/report/figures.py, which draws the same charts for the standalone report.
// Text that may come from outside (SKUs, titles) is set with textContent, and escaped for Plotly labels.
(function (global) {
  "use strict";

  var PIN_FILL = "rgba(255, 170, 0, 0.18)";
  var CONFIG = {displaylogo: false, responsive: true};

  // Plotly reads a few HTML tags in labels; write < > & as entities so a label is only ever text.
  function plotText(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function layout(title, extra) {
    var base = {title: {text: plotText(title)}, height: 340, margin: {l: 50, r: 50, t: 50, b: 50},
                legend: {orientation: "h", y: -0.2}};
    return Object.assign(base, extra || {});
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The viewer's wall-clock time of an ISO instant, in the form Plotly reads as a date.
  function localStamp(iso) {
    var d = new Date(iso);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + "." + String(d.getMilliseconds()).padStart(3, "0");
  }

  // The axis names the zone its times are in (the page's one zone, static/common/zone.js); numeric ticks, so no
  // English month names on a Chinese page.
  function zoneSuffix() {
    var L = global.LiveDesk;
    return L && L.zoneName ? " · " + plotText(L.zoneName()) : "";
  }

  function draw(id, data, lay) {
    var node = document.getElementById(id);
    if (node) { global.Plotly.react(node, data, lay, CONFIG); }
  }

  var format = {
    rate: function (v) { return v === null || v === undefined ? "—" : (v * 100).toFixed(2) + "%"; },
    money: function (v) { return v === null || v === undefined ? "—" : "¥" + v; },
    amount: function (v) {
      if (v === null || v === undefined) { return "—"; }
      return Number.isInteger(v) ? v.toLocaleString("en-US")
        : v.toLocaleString("en-US", {minimumFractionDigits: 1, maximumFractionDigits: 1});
    }
  };
  var KINDS = {views: "amount", unique_viewers: "amount", peak_concurrent_viewers: "amount",
               avg_watch_seconds: "amount", total_watch_seconds: "amount", product_clickers: "amount",
               orders: "amount", paid_orders: "amount", buyers: "amount", click_rate: "rate",
               conversion_rate: "rate", click_to_buy_rate: "rate", gmv: "money", gpm: "money",
               gpm_per_viewer: "money", uv_value: "money", aov: "money", aov_per_paid_order: "money"};

  function headline(root, metrics) {
    root.querySelectorAll("[data-metric]").forEach(function (node) {
      var name = node.dataset.metric;
      node.textContent = format[KINDS[name] || "amount"](metrics[name]);
    });
  }

  function cell(tr, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
  }

  function productRows(tbody, metrics) {
    tbody.textContent = "";
    Object.keys(metrics.by_product).forEach(function (sku) {
      var p = metrics.by_product[sku];
      var tr = document.createElement("tr");
      tr.dataset.sku = sku;
      cell(tr, sku, "mono");
      [p.clicks, p.clickers, p.orders, p.units].forEach(function (v) { cell(tr, format.amount(v), "num"); });
      cell(tr, format.money(p.gmv), "num");
      cell(tr, format.amount(p.pinned_seconds), "num");
      cell(tr, format.amount(p.clicks_while_pinned), "num");
      cell(tr, format.amount(p.orders_while_pinned), "num");
      tbody.appendChild(tr);
      Object.keys(p.variants || {}).forEach(function (variant) {
        var v = p.variants[variant];
        var row = document.createElement("tr");
        row.className = "variant";
        row.dataset.sku = sku;
        row.dataset.variant = variant;
        cell(row, variant, "mono");
        ["", ""].forEach(function (text) { cell(row, text, "num"); });
        [v.orders, v.units].forEach(function (n) { cell(row, format.amount(n), "num"); });
        cell(row, format.money(v.gmv), "num");
        ["", "", ""].forEach(function (text) { cell(row, text, "num"); });
        tbody.appendChild(row);
      });
    });
  }

  // People at each step, each step within the one before (docs/metrics.md, Funnel): no step above 100%.
  function funnel(id, metrics, s) {
    var f = metrics.funnel;
    draw(id, [{type: "funnel", y: [s.viewers, s.clickers, s.orderingBuyers, s.payingBuyers].map(plotText),
               x: [f.viewers, f.clickers, f.buyers, f.paying_buyers],
               textinfo: "value+percent previous"}], layout(s.funnel, {margin: {l: 100, r: 30, t: 50, b: 30}}));
  }

  function timeline(id, metrics, pinned, s) {
    var minutes = metrics.timeline.map(function (r) { return localStamp(r.minute); });
    var shapes = pinned.map(function (p) {
      return {type: "rect", xref: "x", yref: "paper", x0: localStamp(p.start), x1: localStamp(p.end), y0: 0, y1: 1,
              fillcolor: PIN_FILL, line: {width: 0}, layer: "below"};
    });
    var notes = pinned.map(function (p) {
      return {x: localStamp(p.start), y: 1, xref: "x", yref: "paper", text: plotText(p.sku), showarrow: false,
              xanchor: "left", yanchor: "bottom", font: {size: 10}};
    });
    draw(id, [
      // Quiet minutes have no row: the count stays level until the next one, hence a step line.
      {type: "scatter", mode: "lines", line: {shape: "hv"}, x: minutes,
       y: metrics.timeline.map(function (r) { return r.online; }), name: plotText(s.online)},
      {type: "bar", x: minutes, y: metrics.timeline.map(function (r) { return r.orders; }), name: plotText(s.orders),
       yaxis: "y2", opacity: 0.6}
    ], layout(s.timeline, {shapes: shapes, annotations: notes,
                           xaxis: {title: {text: plotText(s.localTime) + zoneSuffix()}, tickformat: "%H:%M",
                                   hoverformat: "%Y-%m-%d %H:%M"},
                           margin: {l: 50, r: 50, t: 50, b: 90}, legend: {orientation: "h", y: -0.45},
                           yaxis: {title: {text: plotText(s.online)}, rangemode: "tozero"},
                           yaxis2: {title: {text: plotText(s.orders)}, overlaying: "y", side: "right",
                                    rangemode: "tozero"}}));
  }

  function products(id, metrics, s) {
    var skus = Object.keys(metrics.by_product);
    draw(id, [
      {type: "bar", x: skus.map(plotText), y: skus.map(function (k) { return metrics.by_product[k].clicks; }),
       name: plotText(s.clicks)},
      {type: "bar", x: skus.map(plotText), y: skus.map(function (k) { return metrics.by_product[k].orders; }),
       name: plotText(s.paidOrders)}
    ], layout(s.products, {barmode: "group"}));
  }

  function watch(id, histogram, s) {
    draw(id, [{type: "bar", x: histogram.map(function (r) { return plotText(r.bucket); }),
               y: histogram.map(function (r) { return r.viewers; }), name: plotText(s.viewers)}], layout(s.watch));
  }

  function sources(id, metrics, s) {
    var keys = Object.keys(metrics.by_source);
    var names = keys.map(function (k) { return plotText(s[k] || k); });
    draw(id, [
      {type: "bar", x: names, y: keys.map(function (k) { return metrics.by_source[k].orders; }),
       name: plotText(s.paidOrders)},
      {type: "scatter", mode: "markers", marker: {size: 14}, x: names, yaxis: "y2", name: plotText(s.gmv),
       y: keys.map(function (k) { return parseFloat(metrics.by_source[k].gmv); })}
    ], layout(s.sources, {yaxis2: {overlaying: "y", side: "right", rangemode: "tozero"}}));
  }

  function comparison(id, rows, s) {
    var ordered = rows.slice().reverse();
    var names = ordered.map(function (r) { return plotText("#" + r.broadcast_id + " " + r.title); });
    draw(id, [
      {type: "bar", x: names, y: ordered.map(function (r) { return parseFloat(r.gmv); }), name: plotText(s.gmv)},
      {type: "scatter", mode: "lines+markers", x: names, yaxis: "y2", name: plotText(s.conversion),
       y: ordered.map(function (r) { return r.conversion_rate; })}
    ], layout(s.comparison, {yaxis2: {overlaying: "y", side: "right", rangemode: "tozero", tickformat: ".1%"}}));
  }

  global.LiveDeskCharts = {plotText: plotText, localStamp: localStamp, format: format, headline: headline, productRows: productRows,
                           funnel: funnel, timeline: timeline, products: products, watch: watch,
                           sources: sources, comparison: comparison};
})(window);
