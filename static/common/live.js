// One client of the Socket.IO namespaces for every page (the /live protocol: docs/api.md, "Live updates"):
// LiveDesk.connectLive opens the socket, (re)joins the broadcast room on every connect and calls the page's
// handlers; LiveDesk.connectionIndicator shows the connection state in the page's #connection badge. When the
// user's session ends on the server (logout elsewhere, password or role change, disabling) the page stops
// reconnecting and goes to the login page.
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk = global.LiveDesk || {};
  var OPTIONS = {transports: ["websocket", "polling"], reconnectionDelayMax: 5000};
  // Keys of handlers that are not socket events.
  var HOOKS = ["state", "snapshot", "connect", "disconnect", "joined", "resync"];
  var LOGIN = "/login";

  // The session behind this page is over: no more reconnects, log in again and come back to this page.
  function sessionEnded(socket) {
    if (socket) { socket.io.reconnection(false); socket.disconnect(); }
    var here = global.location.pathname + global.location.search;
    global.location.assign(LOGIN + "?next=" + encodeURIComponent(here));
  }

  // broadcast: a broadcast id, or a function returning the ids to be in (an array or a Set; join() adds new ones).
  // handlers: one function per socket event name, called with the payload, plus these optional hooks:
  //   state(name)         "connecting", "connected", "disconnected" or "refused";
  //   connect()           on every (re)connect, before the joins;
  //   disconnect(reason)  after the state became "disconnected";
  //   joined(ack, id)     a join was accepted; without this hook the state becomes "connected";
  //   resync(payload)     the `resync` push (a join too far behind), before catch-up mode reloads the snapshot;
  //   snapshot(snap)      catch-up mode (one broadcast): the broadcast's snapshot is loaded and passed here
  //                       before the socket opens, every join sends last_seq (every seq up to it is applied),
  //                       each push is handled once and only if its seq is new, and on the `resync` push the
  //                       snapshot is reloaded and the room joined again. While the snapshot cannot be loaded
  //                       the state is "disconnected" and it is tried again every 3 s.
  // Returns {socket, lastJoinAck, watermark, join, on}: the socket is there once it is opened; on(name, fn) adds a
  // handler for another script of the page on the same socket (one socket per page).
  LiveDesk.connectLive = function (namespace, broadcast, handlers) {
    var wanted = typeof broadcast === "function" ? broadcast : function () { return [broadcast]; };
    var sequenced = typeof handlers.snapshot === "function";
    var state = handlers.state || function () {};
    var joined = new Set();  // the broadcasts joined, or being joined, on this connection
    var seen = new Set();    // seqs above the watermark that have been applied
    var extra = [];          // [name, fn] of handlers other scripts of the page added with live.on
    var live = {socket: null, lastJoinAck: undefined, watermark: 0, join: join, on: on};

    // Another script of the page (the host page's claims strip) listens on this socket instead of opening its own.
    function on(name, fn) {
      extra.push([name, fn]);
      if (live.socket) { live.socket.on(name, fn); }
    }

    function loadSnapshot() {
      return fetch("/api/v1/broadcasts/" + broadcast + "/snapshot", {credentials: "same-origin"})
        .then(function (r) {
          if (!r.ok) { throw new Error("snapshot " + r.status); }
          return r.json();
        })
        .then(function (snap) {
          seen = new Set();
          live.watermark = snap.seq;
          handlers.snapshot(snap);
        });
    }

    // Pushes may arrive twice (a replay overlapping live pushes) and out of order; the watermark only moves
    // over a contiguous run of applied seqs.
    function accept(seq) {
      if (typeof seq !== "number" || seq <= live.watermark || seen.has(seq)) { return false; }
      seen.add(seq);
      while (seen.has(live.watermark + 1)) {
        seen.delete(live.watermark + 1);
        live.watermark += 1;
      }
      return true;
    }

    function emitJoin(id) {
      var body = sequenced ? {broadcast_id: id, last_seq: live.watermark} : {broadcast_id: id};
      live.socket.emit("join", body, function (ack) {
        live.lastJoinAck = ack;
        if (!ack || !ack.ok) { joined.delete(id); state("refused"); return; }
        if (handlers.joined) { handlers.joined(ack, id); } else { state("connected"); }
      });
    }

    // Joins each wanted broadcast not joined yet on this connection.
    function join() {
      if (!live.socket || !live.socket.connected) { return; }
      wanted().forEach(function (id) {
        if (joined.has(id)) { return; }
        joined.add(id);
        emitJoin(id);
      });
    }

    function open() {
      if (!global.io) { state("disconnected"); return; }
      var socket = live.socket = global.io(namespace, OPTIONS);
      extra.forEach(function (pair) { socket.on(pair[0], pair[1]); });
      socket.on("connect", function () {
        joined.clear();
        if (handlers.connect) { handlers.connect(); }
        join();
      });
      socket.on("session.ended", function () { sessionEnded(socket); });
      socket.on("disconnect", function (reason) {
        state("disconnected");
        if (handlers.disconnect) { handlers.disconnect(reason); }
        // The server closes a socket when its session ended, and may do so before (or instead of) the
        // session.ended push reaching us; Socket.IO never reconnects by itself then. Connect once more: an
        // ended session is refused as "unauthorized" below, a live one carries on.
        if (reason === "io server disconnect") { socket.connect(); }
      });
      socket.on("connect_error", function (err) {
        // A page's socket carries its session cookie: "unauthorized" means that session is no longer valid.
        if (err && err.message === "unauthorized") { state("refused"); sessionEnded(socket); return; }
        state("disconnected");
      });
      socket.on("resync", function (payload) {
        if (handlers.resync) { handlers.resync(payload); }
        if (sequenced) { loadSnapshot().then(function () { wanted().forEach(emitJoin); }); }
      });
      Object.keys(handlers).forEach(function (name) {
        if (HOOKS.indexOf(name) >= 0) { return; }
        socket.on(name, function (payload) {
          if (!sequenced || accept(payload.seq)) { handlers[name](payload); }
        });
      });
      // A page handles only the pushes it draws (the wall no orders or chat), but every push of the broadcast
      // takes a seq: count the others as applied too, or the watermark would stop at the first of them, every
      // later seq would pile up in `seen` and each reconnect would ask for everything since.
      if (sequenced) {
        socket.onAny(function (name, payload) {
          if (HOOKS.indexOf(name) >= 0 || name === "resync" || !payload || typeof payload.seq !== "number" ||
              Object.prototype.hasOwnProperty.call(handlers, name)) { return; }
          accept(payload.seq);
        });
      }
    }

    function start() {
      state("connecting");
      if (!sequenced) { open(); return; }
      loadSnapshot().then(open).catch(function () {
        state("disconnected");
        setTimeout(start, 3000);
      });
    }

    start();
    return live;
  };

  // What a page remembers to drop a push that arrives after a newer one about the same thing (the seq applied per
  // key: an order, a SKU's stock, the totals): at most `limit` keys, the least recently pushed forgotten first,
  // so a long broadcast's thousands of orders do not pile up. fresh(key, seq) is true (and records seq) when seq
  // is newer than the last one applied for key; a push more than `limit` keys late could be applied again.
  LiveDesk.latestSeqs = function (limit) {
    var applied = new Map();
    return {
      fresh: function (key, seq) {
        var last = applied.get(key);
        if (last !== undefined && last >= seq) { return false; }
        applied.delete(key);  // re-inserted last: the Map's order is the order keys were last pushed
        applied.set(key, seq);
        if (applied.size > limit) { applied.delete(applied.keys().next().value); }
        return true;
      },
      clear: function () { applied.clear(); },
      size: function () { return applied.size; }
    };
  };

  // A state(name) for connectLive: the #connection badge's class and text (strings[name]), and the root
  // element's data-connection, which the browser tests wait on.
  LiveDesk.connectionIndicator = function (root, strings) {
    var badge = document.getElementById("connection");
    return function (name) {
      badge.className = "conn " + name;
      badge.textContent = strings[name] || name;
      root.dataset.connection = name;
    };
  };
})(window);
