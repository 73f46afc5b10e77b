// The host page's flash sales: the running ones with units left and a countdown (from the snapshot and the
// totals.changed push), and for hosts the broadcast's flash sales that can start, each with "Start now"
// (POST /api/v1/promotions/<code>/start, after a confirmation). Text from the API is set with textContent only.
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk, el = LiveDesk.el, format = LiveDesk.format, send = LiveDesk.send;
  var host = LiveDesk.host, strings = host.strings;
  var starters = document.getElementById("flash-starters");
  var planned = [];

  function money(value) { return LiveDesk.money(value); }

  function setError(text) {
    var node = document.getElementById("flash-error");
    if (node) { node.textContent = text || ""; }
  }

  function drawRunning() {
    var list = document.getElementById("flash-list");
    list.replaceChildren();
    host.flash.forEach(function (sale) {
      var li = el("li");
      li.dataset.code = sale.code;
      li.dataset.endsAt = sale.ends_at;
      li.appendChild(el("strong", sale.code + " "));
      li.appendChild(el("span", sale.skus.join(", ") + " · " + money(sale.price) + " · "));
      li.appendChild(el("span", sale.remaining + " " + strings.left, "remaining"));
      li.appendChild(el("span", "", "countdown"));
      list.appendChild(li);
    });
    document.getElementById("flash-sales").hidden = host.flash.length === 0;
    var none = document.getElementById("flash-none");
    if (none) { none.hidden = host.flash.length > 0; }
    tick();
    drawStarters();
  }

  function tick() {
    document.querySelectorAll("#flash-list li").forEach(function (li) {
      var left = host.countdown(li.dataset.endsAt);
      li.querySelector(".countdown").textContent = " · " + (left ? strings.endsIn + " " + left : strings.ended);
    });
  }

  // Flash sales of this broadcast that can start now: the broadcast is live, units left, not ended, not running
  // (orders/promotions/start.py).
  function startable(p, now) {
    if (host.status !== "live") { return false; }
    var starts = p.starts_at ? new Date(p.starts_at).getTime() : 0;
    var ends = p.ends_at ? new Date(p.ends_at).getTime() : Infinity;
    return p.kind === "flash" && p.broadcast_id === host.broadcastId && p.remaining > 0 && ends > now &&
      !(p.active && starts <= now) && !host.flash.some(function (s) { return s.code === p.code; });
  }

  function minutes(p) {
    return Math.round((new Date(p.ends_at).getTime() - new Date(p.starts_at).getTime()) / 60000);
  }

  // Asks first (static/common/confirm.js): a started flash sale changes prices at once.
  function start(p) {
    window.LiveDesk.confirm(format(strings.confirmFlash, {code: p.code, minutes: minutes(p)}),
                            {button: strings.startFlash, tone: "approve"})
      .then(function (confirmed) { if (confirmed) { startNow(p); } });
  }

  function startNow(p) {
    setError();
    send("POST", "/api/v1/promotions/" + encodeURIComponent(p.code) + "/start").then(function (result) {
      if (result.ok) { load(); } else { setError(p.code + ": " + ((result.data.error || {}).message || strings.failed)); }
    }, function () { setError(strings.offline); });
  }

  function drawStarters() {
    if (!starters) { return; }
    var list = document.getElementById("flash-starter-list");
    list.replaceChildren();
    var now = host.now();
    var ready = planned.filter(function (p) { return startable(p, now); });
    ready.forEach(function (p) {
      var li = el("li");
      li.dataset.code = p.code;
      var what = el("span");
      what.appendChild(el("strong", p.code + " "));
      what.appendChild(el("span", format(strings.flashTerms, {price: money(p.price), skus: p.skus.join(", "),
                                                              units: p.remaining, minutes: minutes(p)}), "muted"));
      li.appendChild(what);
      var b = el("button", strings.startFlash, "approve start-flash");
      b.type = "button";
      b.setAttribute("aria-label", strings.startFlash + " " + p.code);
      b.addEventListener("click", function () { start(p); });
      li.appendChild(b);
      list.appendChild(li);
    });
    document.getElementById("flash-starter-empty").hidden = ready.length > 0;
  }

  function load() {
    if (!starters) { return; }
    fetch("/api/v1/promotions?broadcast_id=" + host.broadcastId, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {promotions: []}; })
      .then(function (data) { planned = data.promotions || []; drawStarters(); },
            function () { setError(strings.offline); });
  }

  host.on("flash", drawRunning);
  host.on("status", drawStarters);  // ended while the page is open: nothing can start any more
  host.reloadFlash = load;
  setInterval(tick, 1000);
  setInterval(drawStarters, 15000);  // a planned window that passes while the page is open drops out
}());
