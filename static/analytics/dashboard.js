// Live analytics dashboard: draws the embedded metrics, then redraws on every `metrics.changed` push from /live.
// The push is a full snapshot (latest wins), so this client needs no sequence numbers or catch-up.
(function () {
  "use strict";
  var root = document.getElementById("analytics");
  var broadcastId = parseInt(root.dataset.broadcastId, 10);
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var charts = window.LiveDeskCharts, tables = window.LiveDeskTables;
  var updates = 0;

  function render(view) {
    tables.headline(root, view.metrics);
    charts.funnel("chart-funnel", view.metrics, strings);
    charts.timeline("chart-timeline", view.metrics, view.pinned, strings);
    tables.productRows(document.getElementById("products-body"), view.metrics, strings);
    var hasProducts = Object.keys(view.metrics.by_product).length > 0;
    document.getElementById("products").hidden = !hasProducts;
    document.getElementById("products-empty").hidden = hasProducts;
    document.getElementById("updated").textContent = window.LiveDesk.localTime(Date.now());
    root.dataset.updates = String(updates);
    root.dataset.status = view.status;
  }

  tables.foldVariants(document.getElementById("products"), strings);
  tables.gpmSwitch(root);
  render(JSON.parse(document.getElementById("analytics-data").textContent));
  root.dataset.drawn = "true";
  var live = window.LiveDesk.connectLive("/live", broadcastId, {
    state: window.LiveDesk.connectionIndicator(root, strings),
    "metrics.changed": function (view) {
      if (!view || view.broadcast_id !== broadcastId) { return; }
      updates += 1;
      render(view);
    }
  });
  window.analyticsSocket = live.socket;
})();
