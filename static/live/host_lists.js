// Lists of the host page that must not move under the reader (UI.md, "Stable under load"): while the pointer is
// over a list, focus is inside it, or it is scrolled away from its newest end, new items wait and a button says
// "n new · resume"; leaving the list or pressing the button shows them. Changes to items already shown are applied
// in place at once. The button sits in the panel's head line, outside the list: showing it moves nothing. LiveDesk.pausable(list, button, newestLast, format) returns {add(fn), flush(), paused()}.
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk;
  var NEAR = 24;  // px from the newest end that still counts as "at the newest"

  LiveDesk.pausable = function (list, button, newestLast, text) {
    var waiting = [], pointed = false, focused = false;
    var scroller = list.closest(".panel-body") || list;  // the button sits outside it: showing it scrolls nothing

    function awayFromNewest() {
      if (scroller.scrollHeight <= scroller.clientHeight) { return false; }
      return newestLast ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > NEAR :
        scroller.scrollTop > NEAR;
    }

    // Whether the reader is at the newest end, as of their last scroll; a panel resized by its neighbours (or a
    // list that grew) keeps a reader who was there at the newest end.
    var atNewest = true;

    function paused() { return pointed || focused || !atNewest; }

    function showButton() {
      button.hidden = waiting.length === 0;
      button.textContent = LiveDesk.format(text, {n: waiting.length});
    }

    // Where toNewest put the scroller, until its scroll event arrives. That event comes a frame later, when rows
    // drawn in between (or a neighbour panel that grew) may have left it short of the newest end: it is ours, not
    // the reader's, and must not pause the list; it goes on to the newest end instead.
    var ours = null;

    function toNewest() {
      scroller.scrollTop = newestLast ? scroller.scrollHeight : 0;
      ours = scroller.scrollTop;
      atNewest = true;
    }

    function flush(force) {
      if (!waiting.length || (!force && paused())) { return; }
      var run = waiting;
      waiting = [];
      run.forEach(function (fn) { fn(); });
      showButton();
      toNewest();
    }

    list.addEventListener("pointerenter", function (e) { if (e.pointerType === "mouse") { pointed = true; } });
    list.addEventListener("pointerleave", function () { pointed = false; flush(false); });
    list.addEventListener("focusin", function () { focused = true; });
    list.addEventListener("focusout", function () { focused = false; flush(false); });
    scroller.addEventListener("scroll", function () {
      var mine = ours !== null && Math.abs(scroller.scrollTop - ours) < 1;
      ours = null;
      if (mine) {
        if (awayFromNewest()) { toNewest(); } else { atNewest = true; flush(false); }
        return;
      }
      atNewest = !awayFromNewest();
      if (atNewest) { flush(false); }
    }, {passive: true});
    if (window.ResizeObserver) {
      new ResizeObserver(function () { if (atNewest && !pointed && !focused) { toNewest(); } }).observe(scroller);
    }
    button.addEventListener("click", function () {
      pointed = false;
      focused = false;
      flush(true);
    });

    return {
      // Runs fn now, or when the list is resumed; waiting items past `limit` are dropped oldest first.
      add: function (fn, limit) {
        if (!paused()) {
          fn();
          if (newestLast) { toNewest(); }
          return;
        }
        waiting.push(fn);
        if (limit && waiting.length > limit) { waiting.shift(); }
        showButton();
      },
      clear: function () { waiting = []; showButton(); },
      toNewest: toNewest,
      flush: function () { flush(true); },
      paused: paused
    };
  };
}());
