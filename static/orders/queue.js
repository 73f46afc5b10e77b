// Audit queue: fetches a page of /api/v1/audit/queue with the filters, renders the rows (textContent only), ticks
// the SLA timers and refetches when a pushed order change arrives on /live. The badge, the held-per-broadcast line
// and the pager show the API's true counts, not the rows of the page. Actions and keys: queue_actions.js.
(function () {
  "use strict";
  var B = window.Backoffice, D = window.LiveDesk, el = D.el;
  var config = JSON.parse(document.getElementById("config").textContent);
  var S = config.strings;
  var root = document.getElementById("audit");
  var tbody = document.getElementById("queue");
  var filters = document.getElementById("filters");
  var FILTERS = ["broadcast_id", "code", "min_age"];
  var PER_PAGE = 50;
  var state = {orders: [], fetchedAt: Date.now(), selected: null, checked: new Set(), busy: false, pending: false,
               page: 1, total: 0, byBroadcast: {},
               errors: {}};  // order id -> the API's answer to the last failed action (or bulk outcome), kept across refetches
  var live = null, refreshTimer = null, retryTimer = null, loads = 0;

  function params() {
    var out = new URLSearchParams();
    FILTERS.forEach(function (name) {
      var value = filters.elements[name].value.trim();
      if (value && value !== "0") { out.set(name, value); }
    });
    return out;
  }

  function money(value) { return "¥" + (value || "0.00"); }

  function message(finding) {
    var text = finding.message || {};
    return text[config.lang] || text.en || finding.code;
  }

  // Codes stay in data-code for scripts; a person reads the label in the page's language.
  function findingLabel(code) { return (config.findingLabels || {})[code] || code; }

  function duration(seconds) {
    var s = Math.max(0, Math.floor(seconds)), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s % 60).padStart(2, "0");
  }

  function claimText(order) {
    if (order.claimed_by === null || order.claimed_by === undefined) { return S.unclaimed; }
    if (order.claimed_by === config.me) { return S.claimedByYou; }
    return D.format(S.claimedBy, {name: config.users[String(order.claimed_by)] || "#" + order.claimed_by});
  }

  function button(action, text, extra) {
    var node = el("button", text, "small-button " + action);
    node.type = "button";
    node.dataset.action = action;
    Object.keys(extra || {}).forEach(function (key) { node.dataset[key] = extra[key]; });
    return node;
  }

  function findingsCell(order) {
    var list = el("ul", null, "findings");
    (order.findings || []).forEach(function (finding) {
      var li = el("li", null, "finding " + finding.severity);
      var code = el("span", findingLabel(finding.code), "code");
      code.dataset.code = code.title = finding.code;
      li.appendChild(code);
      li.appendChild(el("span", message(finding), "message"));
      if (finding.override) {
        li.appendChild(el("span", S.overridden + " · " + finding.override.by, "muted small"));
      } else {
        li.appendChild(button("override", S.override, {code: finding.code}));
      }
      list.appendChild(li);
    });
    var td = el("td");
    td.appendChild(list);
    return td;
  }

  function orderRow(order) {
    var tr = el("tr", null, "order-row");
    tr.dataset.orderId = order.order_id;
    var check = el("input", null, "row-check");
    check.type = "checkbox";
    check.checked = state.checked.has(order.order_id);
    check.setAttribute("aria-label", order.order_id);
    var checkCell = el("td");
    checkCell.appendChild(check);
    tr.appendChild(checkCell);
    var link = el("a", order.order_id, "mono");
    link.href = "/orders/" + encodeURIComponent(order.order_id);
    var idCell = el("td");
    idCell.appendChild(link);
    tr.appendChild(idCell);
    tr.appendChild(el("td", "#" + order.broadcast_id + " " + (config.titles[String(order.broadcast_id)] || "")));
    var buyer = order.buyer || {}, addr = buyer.address || {};
    var who = el("td", null, "buyer");
    who.appendChild(el("div", buyer.name || "—"));
    who.appendChild(el("div", buyer.phone || "—", "mono small"));
    who.appendChild(el("div", [addr.province, addr.city, addr.district, addr.detail].filter(Boolean).join(" "), "muted small"));
    tr.appendChild(who);
    tr.appendChild(el("td", (order.items || []).map(function (i) { return i.sku + " ×" + i.qty; }).join(", ")));
    tr.appendChild(el("td", money(order.total), "num"));
    tr.appendChild(findingsCell(order));
    var timer = el("span", duration(order.age_seconds), "timer");
    timer.dataset.age = order.age_seconds;
    timer.dataset.sla = order.sla_seconds;
    var timerCell = el("td", null, "num");
    timerCell.appendChild(timer);
    tr.appendChild(timerCell);
    tr.appendChild(el("td", claimText(order), "claim small" + (order.claimed_by === config.me ? " mine" : "")));
    var actions = el("td", null, "actions");
    var mine = order.claimed_by === config.me;
    actions.appendChild(button(mine ? "release" : "claim", mine ? S.release : S.claim));
    ["approve", "reject", "hold", "edit"].forEach(function (name) { actions.appendChild(button(name, S[name])); });
    actions.appendChild(el("div", state.errors[order.order_id], "row-error form-error"));
    tr.appendChild(actions);
    return tr;
  }

  function tick() {
    var elapsed = (Date.now() - state.fetchedAt) / 1000;
    tbody.querySelectorAll(".timer").forEach(function (timer) {
      var age = Number(timer.dataset.age) + elapsed;
      timer.textContent = duration(age);
      var late = age > Number(timer.dataset.sla);
      timer.classList.toggle("late", late);
      timer.closest("tr").classList.toggle("late", late);
    });
  }

  function showHeldPerBroadcast() {
    var parts = Object.keys(state.byBroadcast).map(function (id) {
      return "#" + id + " " + (config.titles[id] || "") + ": " + D.format(S.heldCount, {n: state.byBroadcast[id]});
    });
    document.getElementById("held-per-broadcast").textContent = parts.join(" · ");
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

  function render() {
    var previous = state.selected ? Array.prototype.findIndex.call(tbody.rows, function (row) {
      return row.dataset.orderId === state.selected;
    }) : -1;
    var ids = new Set(state.orders.map(function (o) { return o.order_id; }));
    state.checked.forEach(function (id) { if (!ids.has(id)) { state.checked.delete(id); } });
    tbody.replaceChildren.apply(tbody, state.orders.map(orderRow));
    if (state.selected && !ids.has(state.selected)) {
      // The selected order left the queue: the next one (now at its place) is selected.
      var next = state.orders[Math.min(previous, state.orders.length - 1)];
      state.selected = previous >= 0 && next ? next.order_id : null;
    }
    select(state.selected, false);
    document.getElementById("queue-count").textContent = state.total;
    document.getElementById("queue-empty").hidden = state.orders.length > 0;
    document.getElementById("checked-count").textContent = state.checked.size ? D.format(S.checkedCount, {n: state.checked.size}) : "";
    document.getElementById("check-all").checked = state.orders.length > 0 && state.checked.size === state.orders.length;
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
    order: function (orderId) {
      return state.orders.find(function (o) { return o.order_id === orderId; }) || null;
    }
  };
  setInterval(tick, 1000);
  load();
  connect();
})();
