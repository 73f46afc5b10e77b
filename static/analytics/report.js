// Report page: draws its charts from the embedded report JSON (the tables are rendered by the server).
(function () {
  "use strict";
  var report = JSON.parse(document.getElementById("report-data").textContent);
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var charts = window.LiveDeskCharts;
  charts.funnel("chart-funnel", report.metrics, strings);
  charts.timeline("chart-timeline", report.metrics, report.pinned, strings);
  charts.watch("chart-watch", report.watch_histogram, strings);
  charts.sources("chart-sources", report.metrics, strings);
  charts.products("chart-products", report.metrics, strings);
  charts.comparison("chart-comparison", report.tables.comparison, strings);
  document.getElementById("report").dataset.drawn = "true";
})();
