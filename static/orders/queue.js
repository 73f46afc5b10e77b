// Audit queue: fetches a page of /api/v1/audit/queue with the filters, renders the rows (queue_rows.js), ticks
// the SLA timers and refetches when a pushed order change arrives on /live. The header shows the API's true counts
// (waiting, late past the SLA), not the rows of the page. Actions and keys: queue_actions.js; the edit form:
// queue_edit.js.
(function () {
  "use strict";
  var B = window.Backoffice, D = window.LiveDesk, R = window.AuditRows;
  var config = JSON.parse(document.getElementById("config").textContent);
  var S = config.strings;
  var root = document.getElementById("audit");
  var tbody = document.getElementById("queue");
  var filters = document.getElementById("filters");
  var FILTERS = ["broadcast_id", "code", "min_age"];
  var PER_PAGE = 50;
  var POLICY_TTL_MS = 60000;
  var state = {orders: [], fetchedAt: Date.now(), selected: null, checked: new Set(), busy: false, pending: false,
               page: 1, total: 0, byBroadcast: {}, late: 0,
               errors: {}};  // order id -> the API's answer to the last failed action (or bulk outcome), kept across refetches
  var live = null, refreshTimer = null, retryTimer = null, loads = 0, lateTicket = 0, lateRecountAt = 0;
  var LATE_RECOUNT_MS = 5000;
  var policies = {};  // broadcast id -> {sla, at}: the SLA of broadcasts not on this page

  function params() {
    var out = new URLSearchParams();
    FILTERS.forEach(function (name) {
      var value = filters.elements[name].value.trim();
      if (value && value !== "0") { out.set(name, value); }
    });
    return out;
  }

  function allOnPage() { return state.total <= state.orders.length; }

  function tick() {
    var elapsed = (Date.now() - state.fetchedAt) / 1000, late = 0;
    tbody.querySelectorAll(".timer").forEach(function (timer) {
      var age = Number(timer.dataset.age) + elapsed;
      timer.textContent = R.duration(age);
      var isLate = age > Number(timer.dataset.sla);
      late += isLate ? 1 : 0;
      timer.classList.toggle("late", isLate);
      timer.closest("tr").classList.toggle("late", isLate);
    });
    // Every match is on the page: its timers are the count, and it turns as they do. Otherwise orders off the
    // page cross their SLA too: the server counts them again every few seconds.
    if (allOnPage()) {
      showLate(late, state.orders.map(function (o) { return o.sla_seconds; }));
    } else if (Date.now() >= lateRecountAt) {
      countLate();
    }
  }

  function showHeldPerBroadcast() {
    var ids = Object.keys(state.byBroadcast);
    var parts = ids.map(function (id) {
      return "#" + id + " " + (config.titles[id] || "") + ": " + D.format(S.heldCount, {n: state.byBroadcast[id]});
    });
    document.getElementById("held-per-broadcast").textContent = parts.join(" · ");
  }

  function slaText(seconds) {
    return seconds % 60 === 0 && seconds >= 120 ? D.format(S.minutes, {n: seconds / 60}) : D.format(S.seconds, {n: seconds});
  }

  function showLate(late, slas) {
    state.late = late;
    document.getElementById("late-count").textContent = late;
    document.getElementById("late-stat").dataset.late = late;
    var distinct = Array.from(new Set(slas));
    document.getElementById("sla-note").textContent = !distinct.length ? "" :
      distinct.length === 1 ? D.format(S.slaIs, {sla: slaText(distinct[0])}) : S.slaPerBroadcast;
  }

  function slaOf(broadcastId) {
    var row = state.orders.find(function (o) { return String(o.broadcast_id) === broadcastId; });
    if (row) { return Promise.resolve(row.sla_seconds); }
    var known = policies[broadcastId];
    if (known && Date.now() - known.at < POLICY_TTL_MS) { return Promise.resolve(known.sla); }
    return D.send("GET", "/api/v1/broadcasts/" + encodeURIComponent(broadcastId) + "/audit-policy").then(function (r) {
      if (!r.ok) { throw new Error("policy " + r.status); }
      policies[broadcastId] = {sla: r.data.sla_seconds, at: Date.now()};
      return r.data.sla_seconds;
    });
  }

  // Late orders: counted on the page when it holds every match; otherwise per broadcast, as the orders waiting
  // longer than its SLA. Those counts ask for a page past the end, so no buyer data is sent (nor logged as seen).
  function countLate() {
    var ticket = ++lateTicket;
    lateRecountAt = Date.now() + LATE_RECOUNT_MS;
    if (allOnPage()) { return; }  // tick() counts them
    var ids = Object.keys(state.byBroadcast);
    Promise.all(ids.map(function (id) {
      return slaOf(id).then(function (sla) {
        var query = params();
        query.set("broadcast_id", id);
        query.set("min_age", Math.max(Number(query.get("min_age") || 0), sla + 1));
        query.set("page", 1000000);
        query.set("per_page", 1);
        return D.send("GET", "/api/v1/audit/queue?" + query).then(function (r) {
          if (!r.ok) { throw new Error("late " + r.status); }
          return {late: r.data.total, sla: sla};
        });
      });
    })).then(function (counts) {
      if (ticket !== lateTicket) { return; }
      showLate(counts.reduce(function (sum, c) { return sum + c.late; }, 0), counts.map(function (c) { return c.sla; }));
    }, function () { /* the next load counts again */ });
  }

  function pages() { return Math.max(1, Math.ceil(state.total / PER_PAGE)); }

  function showPager() {
    var first = (state.page - 1) * PER_PAGE;
    document.getElementById("pager").hidden = state.total <= PER_PAGE && state.page === 1;
    document.getElementById("page-info").textContent = D.format(S.pageInfo, {
      page: state.page, pages: pages(), first: state.orders.length ? first + 1 : 0,
      last: first + state.orders.length, total: state.total});
    document.getElementById("page-prev").disabled = state.page <= 1;
    document.getElementById("page-next").disabled = state.page >= pages();
  }

  function goTo(page) {
    state.page = Math.max(1, page);
    state.selected = null;
    return load();
  }

  function showChecked() {
    var n = state.checked.size;
    document.getElementById("checked-count").textContent = n ? D.format(S.checkedCount, {n: n}) : S.selectAll;
    document.getElementById("check-all").checked = state.orders.length > 0 && n === state.orders.length;
    root.dataset.checked = n;
  }

  function render() {
    var previous = state.selected ? Array.prototype.findIndex.call(tbody.rows, function (row) {
      return row.dataset.orderId === state.selected;
    }) : -1;
    var ids = new Set(state.orders.map(function (o) { return o.order_id; }));
    state.checked.forEach(function (id) { if (!ids.has(id)) { state.checked.delete(id); } });
    // A refetch comes with every pushed change: the control the auditor is on (same order, same control) keeps focus.
    D.keepFocus(tbody, "data-order-id", function () {
      tbody.replaceChildren.apply(tbody, state.orders.map(function (o) { return R.orderRow(config, state, o); }));
    });
    if (state.selected && !ids.has(state.selected)) {
      // The selected order left the queue: the next one (now at its place) is selected.
      var next = state.orders[Math.min(previous, state.orders.length - 1)];
      state.selected = previous >= 0 && next ? next.order_id : null;
    }
    select(state.selected, false);
    document.getElementById("queue-count").textContent = state.total;
    document.getElementById("queue-empty").hidden = state.orders.length > 0;
    document.getElementById("queue-empty-filtered").hidden = params().toString() === "";
    tbody.closest("table").hidden = state.orders.length === 0;
    showChecked();
    showHeldPerBroadcast();
    showPager();
    tick();
    root.dataset.loaded = "true";
  }

  function select(orderId, scroll) {
    state.selected = orderId;
    Array.prototype.forEach.call(tbody.rows, function (row) {
      var on = row.dataset.orderId === orderId;
      row.classList.toggle("selected", on);
      row.setAttribute("aria-selected", on ? "true" : "false");
      if (on && scroll) { row.scrollIntoView({block: "nearest"}); }
    });
  }

  function load() {
    clearTimeout(retryTimer);
    var ticket = ++loads;
    var errorSlot = document.getElementById("queue-error");
    var query = params();
    query.set("page", state.page);
    query.set("per_page", PER_PAGE);
    return D.send("GET", "/api/v1/audit/queue?" + query).then(function (result) {
      if (ticket !== loads) { return; }  // a later request is under way; its answer is the fresher one
      if (result.status === 400) { errorSlot.textContent = B.errorOf(result, S.failed).message; return; }  // a bad filter
      if (!result.ok) { throw new Error("queue " + result.status); }
      errorSlot.textContent = "";
      if (!result.data.orders.length && state.page > 1 && result.data.total > 0) {
        return goTo(Math.ceil(result.data.total / PER_PAGE));  // the page emptied (orders left): show the last one
      }
      state.orders = result.data.orders;
      state.total = result.data.total;
      state.byBroadcast = result.data.by_broadcast || {};
      state.fetchedAt = Date.now();
      if (state.busy) { state.pending = true; } else { render(); }
      countLate();
      if (live) { live.join(); }  // the rooms of broadcasts new to the queue
    }).catch(function () {
      errorSlot.textContent = S.loadFailed;
      retryTimer = setTimeout(load, 3000);
    });
  }

  // Changes arrive in bursts (a flash sale): at most one refetch per 300 ms, and one always follows the last change.
  function refreshSoon() {
    if (refreshTimer) { return; }
    refreshTimer = setTimeout(function () { refreshTimer = null; load(); }, 300);
  }

  // Only a held order, or one the queue shows (it may have just left), can change the queue.
  function onOrderPush(payload) {
    var order = payload && payload.order;
    if (!order || order.status === "held" || state.orders.some(function (o) { return o.order_id === order.order_id; })) {
      refreshSoon();
    }
  }

  // While an action's dialog, menu or form is open the rows stay put; the newest answer is drawn when it closes.
  function setBusy(busy) {
    state.busy = busy;
    if (!busy && state.pending) { state.pending = false; render(); }
  }

  // The rooms: every live broadcast and the broadcast of every order shown. Connected means the socket is;
  // a join refused shows "refused".
  function connect() {
    var setState = D.connectionIndicator(root, S);
    live = D.connectLive("/live", function () {
      var wanted = new Set(config.live);
      state.orders.forEach(function (o) { wanted.add(o.broadcast_id); });
      return wanted;
    }, {
      state: setState,
      connect: function () {
        setState("connected");
        refreshSoon();  // whatever changed while we were away
      },
      joined: function () {},
      "order.created": onOrderPush,
      "order.updated": onOrderPush
    });
  }

  function applyFilters() {
    var query = params().toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    document.getElementById("csv-link").href = "/audit/queue.csv" + (query ? "?" + query : "");
    var broadcastId = filters.elements.broadcast_id.value;
    var policy = document.getElementById("policy-link");
    policy.hidden = !broadcastId;
    if (broadcastId) { policy.href = "/broadcasts/" + encodeURIComponent(broadcastId) + "/audit-policy"; }
    state.page = 1;
    refreshSoon();
  }

  document.getElementById("page-prev").addEventListener("click", function () { goTo(state.page - 1); });
  document.getElementById("page-next").addEventListener("click", function () { goTo(state.page + 1); });

  filters.addEventListener("change", applyFilters);
  filters.elements.min_age.addEventListener("input", applyFilters);
  filters.addEventListener("submit", function (event) { event.preventDefault(); applyFilters(); });

  window.AuditQueue = {
    config: config, strings: S, state: state, tbody: tbody, load: load, render: render, select: select, setBusy: setBusy,
    showChecked: showChecked,
    order: function (orderId) {
      return state.orders.find(function (o) { return o.order_id === orderId; }) || null;
    }
  };
  setInterval(tick, 1000);
  // Pushes come from the broadcasts the page joined; a broadcast that went live after the page opened is found
  // by this slower refetch (which joins its room too).
  setInterval(refreshSoon, 20000);
  load();
  connect();
})();
