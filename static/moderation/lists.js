// A list of chat messages that never moves under the reader (static/moderation/console.js uses two): while the
// pointer is over it or the keyboard focus is in it (focus-visible), it is paused. New messages that would push the others
// wait and are counted on the "n new" button; messages that leave the list are greyed out in place. Leaving
// the list, or the button, brings them in. A message already shown is updated where it is.
(function (global) {
  "use strict";
  var M = global.Moderation, S = M.strings;

  // list: the <ol>; options: newestFirst, limit (0: none), render(m) → <li>, changed() after every change,
  // resumeButton and pausedNote (optional: the "n new" button and the paused badge).
  function MessageList(list, options) {
    this.list = list;
    this.options = options;
    this.items = new Map();     // message_id → <li> shown
    this.pending = new Map();   // message_id → message waiting for the list to resume
    this.leaving = new Set();   // message_ids greyed out, removed on resume
    this.pointer = false;
    this.focus = false;
    var self = this;
    list.addEventListener("pointerenter", function () { self.pointer = true; self.update(); });
    list.addEventListener("pointerleave", function () { self.pointer = false; self.update(); });
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
      options.resumeButton.addEventListener("click", function () {
        self.pointer = self.focus = false;
        self.flush();
        self.list.scrollTop = 0;
      });
    }
  }

  MessageList.prototype.paused = function () { return this.pointer || this.focus; };

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
    this.show();
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
