// Report page: draws its charts from the embedded report JSON (the tables are rendered by the server), folds the
// variants under their products and runs the GPM switch.
(function () {
  "use strict";
  var root = document.getElementById("report");
  var report = JSON.parse(document.getElementById("report-data").textContent);
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var charts = window.LiveDeskCharts, tables = window.LiveDeskTables;
  charts.funnel("chart-funnel", report.metrics, strings);
  charts.timeline("chart-timeline", report.metrics, report.pinned, strings);
  charts.watch("chart-watch", report.watch_histogram, strings);
  charts.sources("chart-sources", report.metrics, strings);
  charts.products("chart-products", report.metrics, strings);
  charts.comparison("chart-comparison", report.tables.comparison, strings);
  tables.foldVariants(document.getElementById("products"), strings);
  tables.gpmSwitch(root);
  // The downloaded file has no script to move its times: it is written in the reader's zone, named inside.
  var download = document.getElementById("download-html"), zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  if (download && zone) {
    var url = new URL(download.href, window.location.href);
    url.searchParams.set("tz", zone);
    download.href = url.pathname + url.search;
  }
  root.dataset.drawn = "true";
})();
