// A list of chat messages that never moves under the reader (static/moderation/console.js uses two): while a mouse
// is over it, the keyboard focus is in it (focus-visible), a finger or pen is on it (and for HOLD_MS after it
// lifts, so the tap's click lands on the message that was under the finger when it went down), or (a list with an
// "n new" button) it is scrolled away from its newest end, it is paused. New messages that would push the others
// wait and are counted on the "n new" button; messages that leave the list are greyed out in place. Leaving the
// list, scrolling back to its newest end, or the button brings them in. A message already shown is updated where
// it is. The host page's LiveDesk.pausable (static/live/host_lists.js) holds closures with a count of its own and
// pauses on any focus; this list keeps messages by id (updated, greyed in place) and needs its own state.
(function (global) {
  "use strict";
  var M = global.Moderation, S = M.strings;

  // list: the <ol>; options: newestFirst, limit (0: none), render(m) → <li>, changed() after every change,
  // resumeButton and pausedNote (optional: the "n new" button and the paused badge).
  var HOLD_MS = 3000;    // a list stays still this long after a finger or pen lifts: for the tap's click, the next tap
  var STUCK_MS = 20000;  // a touch whose end never came (its row was redrawn under it) stops holding the list
  var NEAR = 24;         // px from the newest end that still count as "at the newest"

  function MessageList(list, options) {
    this.list = list;
    this.options = options;
    this.items = new Map();     // message_id → <li> shown
    this.pending = new Map();   // message_id → message waiting for the list to resume
    this.leaving = new Set();   // message_ids greyed out, removed on resume
    this.pointer = false;       // a mouse over the list
    this.focus = false;         // keyboard focus in the list
    this.pressed = false;       // a finger, pen or mouse button down in the list
    this.holding = null;        // the timer of a touch: the press that never ended, or the hold after the lift
    this.away = false;          // scrolled away from the newest end (lists with a resume button only)
    var self = this;
    // A touch "enters" only as it goes down and "leaves" as it lifts, before its click: hovering is the mouse's.
    list.addEventListener("pointerenter", function (event) {
      if (event.pointerType === "mouse") { self.pointer = true; self.update(); }
    });
    list.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse") { self.pointer = false; self.update(); }
    });
    list.addEventListener("pointerdown", function (event) { self.press(event.pointerType !== "mouse"); });
    list.addEventListener("touchstart", function () { self.press(true); }, {passive: true});
    // A touch ends with its last finger (touchend; its pointerup and pointercancel come first, the latter as soon
    // as the finger scrolls); a pen or mouse with its pointerup.
    ["touchend", "touchcancel"].forEach(function (name) {
      global.addEventListener(name, function (event) {
        if (event.touches.length === 0) { self.release(true); }
      }, {passive: true});
    });
    ["pointerup", "pointercancel"].forEach(function (name) {
      global.addEventListener(name, function (event) {
        if (event.pointerType !== "touch") { self.release(event.pointerType !== "mouse"); }
      });
    });
    // Keyboard focus pauses; the focus a mouse click leaves on a button does not (it would keep the list
    // paused after the pointer has gone).
    list.addEventListener("focusin", function (event) {
      self.focus = event.target.matches(":focus-visible");
      self.update();
    });
    // Removing the focused message fires focusout in the middle of a change: update after it, not inside it.
    list.addEventListener("focusout", function (event) {
      if (event.relatedTarget && list.contains(event.relatedTarget)) { return; }
      self.focus = false;
      setTimeout(function () { self.update(); }, 0);
    });
    if (options.resumeButton) {
      // Only the reader scrolls it away: while it runs, new messages go in at the newest end and it stays there.
      list.addEventListener("scroll", function () {
        var away = self.awayFromNewest();
        if (away !== self.away) { self.away = away; self.update(); }
      }, {passive: true});
      options.resumeButton.addEventListener("click", function () {
        self.pointer = self.focus = self.pressed = self.away = false;
        self.hold(0);
        self.flush();
      });
    }
  }

  MessageList.prototype.paused = function () {
    return this.pointer || this.focus || this.pressed || this.holding !== null || this.away;
  };

  MessageList.prototype.awayFromNewest = function () {
    var list = this.list;
    if (list.scrollHeight <= list.clientHeight) { return false; }
    return this.options.newestFirst ? list.scrollTop > NEAR :
      list.scrollHeight - list.scrollTop - list.clientHeight > NEAR;
  };

  // Keeps the list paused for ms (0: no longer), then updates it.
  MessageList.prototype.hold = function (ms) {
    var self = this;
    if (this.holding !== null) { clearTimeout(this.holding); this.holding = null; }
    if (ms) { this.holding = setTimeout(function () { self.holding = null; self.pressed = false; self.update(); }, ms); }
  };

  // A press in the list pauses it at once, before anything can move under it.
  MessageList.prototype.press = function (touch) {
    this.pressed = true;
    if (touch) { this.hold(STUCK_MS); }
    this.show();
  };

  // The press ended: a mouse's list runs again unless the mouse is still over it; a finger's or pen's is held a
  // little longer (its click comes after the lift).
  MessageList.prototype.release = function (touch) {
    if (!this.pressed) { return; }
    this.pressed = false;
    if (touch) { this.hold(HOLD_MS); this.show(); } else { this.update(); }
  };

  MessageList.prototype.update = function () {
    if (!this.paused()) { this.flush(); } else { this.show(); }
  };

  MessageList.prototype.show = function () {
    var o = this.options, count = this.pending.size;
    this.list.dataset.paused = this.paused() ? "true" : "false";
    if (o.pausedNote) { o.pausedNote.hidden = !this.paused(); }
    if (o.resumeButton) {
      o.resumeButton.hidden = count === 0;
      o.resumeButton.textContent = M.LiveDesk.format(S.newMessages, {count: count});
      o.resumeButton.dataset.count = count;
    }
    if (o.changed) { o.changed(); }
  };

  // Where a new message goes: before the first shown one it precedes (by message id, in the list's order).
  MessageList.prototype.anchor = function (id) {
    var newest = this.options.newestFirst;
    return Array.prototype.find.call(this.list.children, function (child) {
      var other = Number(child.dataset.messageId);
      return newest ? other < id : other > id;
    }) || null;
  };

  MessageList.prototype.insert = function (m) {
    var node = this.options.render(m), before = this.anchor(m.message_id);
    this.list.insertBefore(node, before);
    this.items.set(m.message_id, node);
  };

  MessageList.prototype.replace = function (existing, m) {
    var node = this.options.render(m), active = document.activeElement;
    var box = existing.querySelector(".select-msg"), newBox = node.querySelector(".select-msg");
    if (box && newBox) { newBox.checked = box.checked; }
    this.list.replaceChild(node, existing);
    this.items.set(m.message_id, node);
    if (existing.contains(active)) {
      var action = active.dataset && active.dataset.action;
      var same = action && node.querySelector('button[data-action="' + action + '"]');
      (same || node).focus({preventScroll: true});
    }
  };

  // Shows m: in place if shown, else now (or, paused, when the list resumes; appending at the end of an
  // oldest-first list moves nothing, so that is not deferred).
  MessageList.prototype.put = function (m) {
    var id = m.message_id, existing = this.items.get(id);
    if (existing) {
      this.leaving.delete(id);
      this.replace(existing, m);
    } else if (this.paused() && (this.options.newestFirst || this.anchor(id))) {
      this.pending.set(id, m);
    } else {
      this.insert(m);
      this.trim();
      this.toNewest();
    }
    this.show();
  };

  MessageList.prototype.remove = function (id) {
    this.pending.delete(id);
    var node = this.items.get(id);
    if (node && this.paused()) {
      node.classList.add("leaving");
      node.querySelectorAll("button, input").forEach(function (control) { control.disabled = true; });
      this.leaving.add(id);
    } else if (node) {
      this.drop(id);
    }
    this.show();
  };

  MessageList.prototype.drop = function (id) {
    var node = this.items.get(id);
    if (node) { node.remove(); this.items.delete(id); }
    this.leaving.delete(id);
  };

  MessageList.prototype.trim = function () {
    var limit = this.options.limit;
    while (limit && this.list.children.length > limit) {
      var last = this.options.newestFirst ? this.list.lastChild : this.list.firstChild;
      this.items.delete(Number(last.dataset.messageId));
      last.remove();
    }
  };

  MessageList.prototype.flush = function () {
    var self = this;
    Array.from(this.leaving).forEach(function (id) { self.drop(id); });
    var waiting = Array.from(this.pending.values());
    this.pending.clear();
    waiting.forEach(function (m) { if (!self.items.has(m.message_id)) { self.insert(m); } });
    this.trim();
    this.toNewest();
    this.show();
  };

  // A running list with a resume button follows its newest end (a browser keeping the rows it showed in place
  // would otherwise scroll it away).
  MessageList.prototype.toNewest = function () {
    if (!this.options.resumeButton || this.paused()) { return; }
    var list = this.list;
    list.scrollTop = this.options.newestFirst ? 0 : list.scrollHeight;
    this.away = false;
  };

  MessageList.prototype.reset = function (messages) {
    this.list.replaceChildren();
    this.items.clear();
    this.pending.clear();
    this.leaving.clear();
    var self = this;
    messages.forEach(function (m) { self.insert(m); });
    this.trim();
    this.show();
  };

  MessageList.prototype.messages = function () {
    return Array.from(this.items.values()).filter(function (node) { return !node.classList.contains("leaving"); });
  };

  M.LiveDesk = global.LiveDesk;
  M.MessageList = MessageList;
})(window);
