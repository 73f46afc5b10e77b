// LiveFeed: loads a broadcast snapshot, joins its /live room and applies sequenced pushes exactly once.
// Reconnects automatically; on reconnect it joins with the last contiguous seq and gets what it missed.
(function (global) {
  "use strict";

  function LiveFeed(broadcastId, handlers) {
    this.broadcastId = broadcastId;
    this.handlers = handlers;
    this.seen = new Set();
    this.watermark = 0; // every seq <= watermark has been applied
    this.socket = null;
  }

  LiveFeed.prototype.loadSnapshot = function () {
    var self = this;
    return fetch("/api/v1/broadcasts/" + this.broadcastId + "/snapshot", {credentials: "same-origin"})
      .then(function (r) {
        if (!r.ok) { throw new Error("snapshot " + r.status); }
        return r.json();
      })
      .then(function (snap) {
        self.seen = new Set();
        self.watermark = snap.seq;
        self.handlers.snapshot(snap);
      });
  };

  LiveFeed.prototype.accept = function (seq) {
    if (typeof seq !== "number" || seq <= this.watermark || this.seen.has(seq)) { return false; }
    this.seen.add(seq);
    while (this.seen.has(this.watermark + 1)) {
      this.seen.delete(this.watermark + 1);
      this.watermark += 1;
    }
    return true;
  };

  LiveFeed.prototype.join = function () {
    var self = this;
    this.socket.emit("join", {broadcast_id: this.broadcastId, last_seq: this.watermark}, function (ack) {
      self.lastJoinAck = ack;
      if (!ack || !ack.ok) { self.handlers.state("refused"); return; }
      self.handlers.state("connected");
    });
  };

  LiveFeed.prototype.start = function (events) {
    var self = this;
    this.handlers.state("connecting");
    this.loadSnapshot().then(function () {
      self.socket = global.io("/live", {transports: ["websocket", "polling"], reconnectionDelayMax: 5000});
      self.socket.on("connect", function () { self.join(); });
      self.socket.on("disconnect", function () { self.handlers.state("disconnected"); });
      self.socket.on("connect_error", function (err) {
        self.handlers.state(err && err.message === "unauthorized" ? "refused" : "disconnected");
      });
      self.socket.on("resync", function () {
        self.loadSnapshot().then(function () { self.join(); });
      });
      events.forEach(function (name) {
        self.socket.on(name, function (payload) {
          if (self.accept(payload.seq)) { self.handlers.event(name, payload); }
        });
      });
    }).catch(function () {
      self.handlers.state("disconnected");
      setTimeout(function () { self.start(events); }, 3000);
    });
  };

  global.LiveFeed = LiveFeed;
})(window);
