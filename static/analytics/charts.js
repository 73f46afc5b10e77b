// Charts of the analytics pages, drawn from the metrics JSON (docs/metrics.md) with Plotly.react.
// Mirrors analytics/report/figures.py and analytics/report/axes.py, which draw the same charts for the standalone
// report: whole-minute HH:MM ticks in the page's zone, counts that tick by one while small, one lane per pinned
// product under the timeline (labels on their own axis, so they never overlap), and "no data yet" instead of empty
// axes. Text that may come from outside (SKUs, titles) is escaped for Plotly labels.
(function (global) {
  "use strict";

  var CONFIG = {displaylogo: false, responsive: true, displayModeBar: false};
  var ONLINE_COLOUR = "#2563eb", ORDERS_COLOUR = "#94a3b8", SECOND_COLOUR = "#b279a2";
  // Categorical lane colours: no green or red, which mean good and danger on every LiveDesk page.
  var LANE_COLOURS = ["#4c78a8", "#b279a2", "#72b7b2", "#9d755d", "#e45d9c", "#6b7280", "#1e3a8a", "#a16207"];
  var TICK_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
  var MINUTE = 60000, MIN_SPAN = 5 * MINUTE, SMALL_COUNT = 5, LANE_LABEL_CHARS = 14;
  var HEIGHT = 320, TOP = 30, BOTTOM = 50, LANE_PX = 24, LANE_GAP_PX = 36;

  // Plotly reads a few HTML tags in labels; write < > & as entities so a label is only ever text.
  function plotText(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The viewer's wall-clock time of an instant, in the form Plotly reads as a date (whole seconds).
  function localStamp(instant) {
    var d = new Date(instant);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function clock(instant) { var d = new Date(instant); return pad(d.getHours()) + ":" + pad(d.getMinutes()); }

  function layout(extra) {
    var base = {height: HEIGHT, margin: {l: 50, r: 50, t: TOP, b: BOTTOM}, bargap: 0.3,
                legend: {orientation: "h", x: 0, y: 1.02, yanchor: "bottom"},
                font: {family: "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'PingFang SC', sans-serif"}};
    return Object.assign(base, extra || {});
  }

  // Draws the chart, or hides it and shows the card's "no data yet" text when there is nothing to draw.
  function draw(id, hasData, data, lay) {
    var node = document.getElementById(id), empty = document.getElementById(id + "-empty");
    if (!node) { return; }
    node.hidden = !hasData;
    if (empty) { empty.hidden = hasData; }
    node.dataset.drawn = hasData ? "chart" : "empty";
    if (hasData) { global.Plotly.react(node, data, lay, CONFIG); } else { global.Plotly.purge(node); }
  }

  // The smallest whole-minute step that puts at most maxTicks ticks on the span (axes.py tick_minutes).
  function tickMinutes(spanMs, maxTicks) {
    var minutes = spanMs / MINUTE;
    for (var i = 0; i < TICK_MINUTES.length; i += 1) {
      if (minutes / TICK_MINUTES[i] <= maxTicks) { return TICK_MINUTES[i]; }
    }
    return TICK_MINUTES[TICK_MINUTES.length - 1];
  }

  // A date axis from the first to the end of the last minute, ticked HH:MM on whole minutes from local midnight.
  function timeAxis(first, last, maxTicks) {
    var end = Math.max(last + MINUTE, first + MIN_SPAN), midnight = new Date(first);
    midnight.setHours(0, 0, 0, 0);
    return {type: "date", range: [localStamp(first), localStamp(end)], tickmode: "linear",
            tick0: localStamp(midnight.getTime()), dtick: tickMinutes(end - first, maxTicks) * MINUTE,
            tickformat: "%H:%M", hoverformat: "%H:%M"};
  }

  // A count axis from zero that ticks by one while the counts are small (no half orders).
  function countAxis(values) {
    var top = Math.max.apply(null, [0].concat(values));
    var axis = {rangemode: "tozero", tickformat: ",~r", automargin: true};
    if (top <= SMALL_COUNT) { axis.range = [0, Math.max(top, 1) * 1.1]; axis.dtick = 1; }
    return axis;
  }

  // An axis drawn over another (right side) ticks on its own values: left to plotly, it would take the left axis's
  // tick positions and print them in its own units (142.755 orders, ¥127k, 26.8 %).
  function rightAxis(axis) {
    return Object.assign({overlaying: "y", side: "right", tickmode: axis.dtick ? "linear" : "auto", nticks: 6}, axis);
  }

  function laneLabel(sku) {
    return sku.length <= LANE_LABEL_CHARS ? sku : sku.slice(0, LANE_LABEL_CHARS - 1) + "…";
  }

  // Fewer ticks on a phone-wide chart.
  function maxTicks(id) {
    var node = document.getElementById(id);
    return node && node.clientWidth && node.clientWidth < 500 ? 4 : 7;
  }

  // The category axis under a chart: on a narrow chart its labels (SKUs, buckets, sources, broadcasts) stand upright
  // so each stays apart, a long one cut as the lanes' are (the whole of it in the bar's hover), and the margin
  // grows to hold them.
  function categoryAxis(id, labels) {
    if (maxTicks(id) === 7) { return {automargin: true}; }
    var cut = labels.map(function (label) { return label.slice(-1) === "…" ? label : laneLabel(label); });
    return {automargin: true, tickangle: -90, tickmode: "array", tickvals: labels, ticktext: cut};
  }

  function barGap(categories) { return categories >= 6 ? 0.2 : 0.8 - categories * 0.1; }

  // People at each step, each step within the one before (docs/metrics.md, Funnel): no step above 100%.
  function funnel(id, metrics, s) {
    var f = metrics.funnel;
    draw(id, f.viewers > 0 || f.buyers > 0, [{type: "funnel", y: [s.viewers, s.clickers, s.orderingBuyers, s.payingBuyers].map(plotText),
               x: [f.viewers, f.clickers, f.buyers, f.paying_buyers], marker: {color: ONLINE_COLOUR},
               textinfo: "value+percent previous"}], layout({margin: {l: 110, r: 20, t: 10, b: 20}}));
  }

  function timeline(id, metrics, pinned, s) {
    var rows = metrics.timeline;
    var quiet = !rows.some(function (r) { return r.joins || r.online || r.chat || r.clicks || r.orders; });
    if (quiet && !pinned.length) { draw(id, false); return; }
    var minutes = rows.map(function (r) { return localStamp(r.minute); });
    var online = rows.map(function (r) { return r.online; }), orders = rows.map(function (r) { return r.orders; });
    var data = [
      // Quiet minutes have no row: the count stays level until the next one, hence a step line.
      {type: "scatter", mode: "lines", line: {shape: "hv", color: ONLINE_COLOUR}, x: minutes, y: online,
       name: plotText(s.online)},
      {type: "bar", x: minutes, y: orders, name: plotText(s.orders), yaxis: "y2", marker: {color: ORDERS_COLOUR}}
    ];
    var lanes = [];
    pinned.forEach(function (p) { if (lanes.indexOf(p.sku) < 0) { lanes.push(p.sku); } });
    pinned.forEach(function (p) {
      var start = Date.parse(p.start), end = Date.parse(p.end);
      data.push({type: "bar", orientation: "h", y: [plotText(p.sku)], base: [localStamp(start)], x: [end - start],
                 yaxis: "y3", showlegend: false, marker: {color: LANE_COLOURS[lanes.indexOf(p.sku) % LANE_COLOURS.length]},
                 hovertemplate: clock(start) + "–" + clock(end) + "<extra>" + plotText(p.sku) + "</extra>"});
    });
    var times = rows.map(function (r) { return Date.parse(r.minute); });
    pinned.forEach(function (p) { times.push(Date.parse(p.start), Date.parse(p.end)); });
    var height = HEIGHT + LANE_PX * lanes.length + (lanes.length ? LANE_GAP_PX : 0);
    var plotHeight = height - TOP - BOTTOM, laneTop = LANE_PX * lanes.length / plotHeight;
    var lay = layout({height: height, barmode: "overlay",
                      xaxis: Object.assign(timeAxis(Math.min.apply(null, times), Math.max.apply(null, times), maxTicks(id)),
                                           {title: {text: plotText(s.time)}}),
                      yaxis: Object.assign(countAxis(online), {title: {text: plotText(s.online)}}),
                      yaxis2: rightAxis(Object.assign(countAxis(orders), {title: {text: plotText(s.orders)}}))});
    if (lanes.length) {  // the lanes take the bottom of the plot; the time axis is drawn under them
      lay.yaxis.domain = [laneTop + LANE_GAP_PX / plotHeight, 1];
      lay.yaxis3 = {domain: [0, laneTop], type: "category", autorange: "reversed", automargin: true, fixedrange: true,
                    tickvals: lanes.map(plotText), ticktext: lanes.map(function (k) { return plotText(laneLabel(k)); }),
                    title: {text: plotText(s.pinned), standoff: 8}};  // clear of the longest SKU
      lay.xaxis.anchor = "y3";
    }
    draw(id, true, data, lay);
  }

  function products(id, metrics, s) {
    var skus = Object.keys(metrics.by_product);
    var clicks = skus.map(function (k) { return metrics.by_product[k].clicks; });
    draw(id, skus.length > 0, [
      {type: "bar", x: skus.map(plotText), y: clicks, name: plotText(s.clicks), marker: {color: ONLINE_COLOUR}},
      {type: "bar", x: skus.map(plotText), y: skus.map(function (k) { return metrics.by_product[k].orders; }),
       name: plotText(s.paidOrders), marker: {color: SECOND_COLOUR}}
    ], layout({barmode: "group", bargap: barGap(skus.length), xaxis: categoryAxis(id, skus.map(plotText)),
               yaxis: countAxis(clicks)}));
  }

  function watch(id, histogram, s) {
    var counts = histogram.map(function (r) { return r.viewers; });
    draw(id, counts.some(function (n) { return n > 0; }),
         [{type: "bar", x: histogram.map(function (r) { return plotText(r.bucket); }), y: counts,
           name: plotText(s.viewers), marker: {color: ONLINE_COLOUR}}],
         layout({xaxis: categoryAxis(id, histogram.map(function (r) { return plotText(r.bucket); })),
                 yaxis: countAxis(counts), showlegend: false}));
  }

  function sources(id, metrics, s) {
    var keys = Object.keys(metrics.by_source);
    var names = keys.map(function (k) { return plotText(s[k] || k); });
    var orders = keys.map(function (k) { return metrics.by_source[k].orders; });
    draw(id, orders.some(function (n) { return n > 0; }), [
      {type: "bar", x: names, y: orders, name: plotText(s.paidOrders), marker: {color: ONLINE_COLOUR}},
      {type: "scatter", mode: "markers", marker: {size: 14, color: SECOND_COLOUR}, x: names, yaxis: "y2",
       name: plotText(s.gmv), y: keys.map(function (k) { return parseFloat(metrics.by_source[k].gmv); })}
    ], layout({xaxis: categoryAxis(id, names), yaxis: countAxis(orders),
               yaxis2: rightAxis({rangemode: "tozero", tickprefix: "¥", automargin: true})}));
  }

  // This broadcast and the earlier ones, oldest first. With only this one there is nothing to compare: the card
  // says so and keeps the table, instead of one bar filling the chart.
  function comparison(id, rows, s) {
    var ordered = rows.slice().reverse();
    var names = ordered.map(function (r) { return plotText("#" + r.broadcast_id + " " + laneLabel(r.title)); });
    draw(id, rows.length > 1, [
      {type: "bar", x: names, y: ordered.map(function (r) { return parseFloat(r.gmv); }), name: plotText(s.gmv),
       marker: {color: ordered.map(function (r, i) { return i === ordered.length - 1 ? ONLINE_COLOUR : ORDERS_COLOUR; })}},
      {type: "scatter", mode: "lines+markers", x: names, yaxis: "y2", name: plotText(s.conversion),
       line: {color: SECOND_COLOUR}, y: ordered.map(function (r) { return r.conversion_rate; })}
    ], layout({bargap: barGap(names.length), xaxis: categoryAxis(id, names),
               yaxis: {rangemode: "tozero", tickprefix: "¥", automargin: true},
               yaxis2: rightAxis({rangemode: "tozero", tickformat: ".1%", automargin: true})}));
  }

  global.LiveDeskCharts = {plotText: plotText, localStamp: localStamp, timeAxis: timeAxis, countAxis: countAxis,
                           funnel: funnel, timeline: timeline, products: products, watch: watch, sources: sources,
                           comparison: comparison};
})(window);
