// Complaint countdowns (queue and complaint page): each .sla-countdown[data-due] shows the time left to its SLA
// target ("due in 1 h 20 min"), amber within the hour, red once overdue, refreshed every 15 s. On the queue,
// complaint.changed / complaint.escalated pushes (app.realtime, to the user's own room) announce that the list
// changed and offer a refresh instead of moving rows under the pointer.
(function (global) {
  "use strict";
  var D = global.LiveDesk;
  var stringsNode = document.getElementById("countdown-strings");
  var S = stringsNode ? JSON.parse(stringsNode.textContent) : {};
  var HOUR = 3600 * 1000;

  function span(ms) {
    var minutes = Math.max(1, Math.ceil(Math.abs(ms) / 60000));
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
    var parts = [];
    if (days) { parts.push(D.format(S.days, {n: days})); }
    if (hours) { parts.push(D.format(S.hours, {n: hours})); }
    if (!days && rest) { parts.push(D.format(S.minutes, {n: rest})); }
    return parts.join(" ");
  }

  function update() {
    var now = Date.now();
    document.querySelectorAll(".sla-countdown[data-due]").forEach(function (node) {
      var due = Date.parse(node.dataset.due);
      if (isNaN(due)) { return; }
      var left = due - now, badge = node.querySelector(".left");
      var tone = left < 0 ? "danger" : left < HOUR ? "attention" : "neutral";
      badge.className = "left badge " + tone;
      badge.textContent = D.format(left < 0 ? S.overdue : S.dueIn, {time: span(left)});
      badge.title = D.localTime(node.dataset.due, true);
      node.dataset.state = left < 0 ? "overdue" : left < HOUR ? "soon" : "later";
      var row = node.closest("tr");
      if (row) { row.classList.toggle("overdue", left < 0); }
    });
  }

  update();
  global.setInterval(update, 15000);

  var root = document.getElementById("complaints");
  if (!root || !D.connectLive) { return; }
  var banner = document.getElementById("queue-changed");
  function announce(text) {
    banner.querySelector(".text").textContent = text + " ";
    banner.hidden = false;
  }
  D.connectLive("/live", function () { return []; }, {
    state: function (name) { root.dataset.connection = name; },
    connect: function () { root.dataset.connection = "connected"; },
    "complaint.changed": function () { announce(S.changed); },
    "complaint.escalated": function (payload) { announce(D.format(S.escalated, {id: payload.complaint_id})); }
  });
})(window);
