// Live countdowns to after-sales deadlines: every [data-deadline] shows the time left, amber when it is due soon
// and red once overdue (its table row too), ticking in the viewer's own clock. The words come from the page
// (orders/aftersales/strings.py js_strings; countdown_text writes the same before the script runs).
(function (global) {
  "use strict";
  var D = global.LiveDesk;
  var S = JSON.parse(document.getElementById("aftersales-config").textContent).strings;

  function durationText(seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    if (days) { return D.format(S.days, {n: days}) + " " + D.format(S.hours, {n: hours}); }
    if (hours) { return D.format(S.hours, {n: hours}) + " " + D.format(S.minutes, {n: mins}); }
    return D.format(S.minutes, {n: mins});
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (node) {
      var left = (Date.parse(node.dataset.deadline) - now) / 1000;
      if (isNaN(left)) { return; }
      var overdue = left <= 0;
      node.textContent = D.format(overdue ? S.overdue : S.dueIn, {time: durationText(left)});
      node.classList.toggle("overdue", overdue);
      node.classList.toggle("due-soon", !overdue && left <= S.dueSoonHours * 3600);
      var row = node.closest("tr");
      if (row) { row.classList.toggle("overdue", overdue); }
    });
  }

  tick();
  setInterval(tick, 15000);
  global.AftersalesCountdown = {tick: tick, durationText: durationText};
})(window);
