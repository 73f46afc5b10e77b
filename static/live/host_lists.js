// Lists of the host page that must not move under the reader (UI.md, "Stable under load"): while the pointer is
// over a list, focus is inside it, a finger or pen is on it (and for a few seconds after it lifts), or it is scrolled
// away from its newest end, new items wait and a button says "n new · resume"; leaving the list or pressing the
// button shows them. Only the reader scrolls a list away: a scroll the page caused (rows trimmed or grown, a
// neighbour panel resized) never pauses it. Changes to items already shown are applied in place at once. The button
// sits in the panel's head line, outside the list: showing it moves nothing. LiveDesk.pausable(list, button,
// newestLast, format) returns {add(fn), flush(), paused()}.
(function () {
  "use strict";
  var LiveDesk = window.LiveDesk;
  var NEAR = 24;  // px from the newest end that still counts as "at the newest"

  // Scroll events that come within this long of the reader's own wheel, touch, scrollbar drag or scroll key (or of
  // the reader's previous scroll, so a touch's momentum counts too) are the reader's; every other scroll is the
  // page's own: rows trimmed, rows that grew (an order linked to a claim), the browser keeping a row in place.
  var READER_MS = 800;
  var SCROLL_KEYS = ["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "];
  var keyAt = -Infinity;
  document.addEventListener("keydown", function (e) {
    if (SCROLL_KEYS.indexOf(e.key) >= 0) { keyAt = performance.now(); }
  }, true);

  // A finger or pen on a list holds it while it is down and this long after it lifts: a touch pointer "enters" only
  // as it lands (no hover), so without this a tap would resume the list at once and move rows under the finger.
  var TOUCH_HOLD_MS = 5000;

  LiveDesk.pausable = function (list, button, newestLast, text) {
    var waiting = [], pointed = false, focused = false, touched = false, touchTimer = null;
    var scroller = list.closest(".panel-body") || list;  // the button sits outside it: showing it scrolls nothing

    function awayFromNewest() {
      if (scroller.scrollHeight <= scroller.clientHeight) { return false; }
      return newestLast ? scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight > NEAR :
        scroller.scrollTop > NEAR;
    }

    // Whether the reader is at the newest end, as of their last scroll. Only the reader moves it away: the page's
    // own scrolls and reflows keep a list that follows the newest items following them.
    var atNewest = true;
    var readerAt = -Infinity, touching = false, dragging = false;

    function readerScrolling() {
      var now = performance.now();
      return touching || dragging || now - readerAt < READER_MS || now - keyAt < READER_MS;
    }

    function paused() { return pointed || focused || touched || !atNewest; }

    function showButton() {
      button.hidden = waiting.length === 0;
      button.textContent = LiveDesk.format(text, {n: waiting.length});
    }

    function toNewest() {
      scroller.scrollTop = newestLast ? scroller.scrollHeight : 0;
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

    // Keeps a list that follows the newest items at its newest end after a change the reader did not make.
    function follow() { if (atNewest && !pointed && !focused && !touched) { toNewest(); } }

    function readerInput() { readerAt = performance.now(); }

    function release() {
      clearTimeout(touchTimer);
      touchTimer = null;
      touched = false;
    }

    // Held from the moment a finger or pen lands on the list until TOUCH_HOLD_MS after the last one lifts.
    function holdTouch() {
      clearTimeout(touchTimer);
      touchTimer = null;
      touched = true;
    }

    function liftTouch() {
      if (!touched || touchTimer) { return; }
      touchTimer = setTimeout(function () { release(); flush(false); }, TOUCH_HOLD_MS);
    }

    list.addEventListener("pointerenter", function (e) { if (e.pointerType === "mouse") { pointed = true; } });
    list.addEventListener("pointerleave", function () { pointed = false; flush(false); });
    // Any pointer pressed on the list holds it (a mouse is already held by hovering; a press keeps it so too).
    list.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "mouse") { pointed = true; } else { holdTouch(); }
    });
    list.addEventListener("touchstart", holdTouch, {passive: true});
    window.addEventListener("pointerup", function (e) { if (e.pointerType !== "mouse") { liftTouch(); } });
    window.addEventListener("pointercancel", function (e) { if (e.pointerType !== "mouse") { liftTouch(); } });
    window.addEventListener("touchend", liftTouch, {passive: true});
    window.addEventListener("touchcancel", liftTouch, {passive: true});
    list.addEventListener("focusin", function () { focused = true; });
    list.addEventListener("focusout", function () { focused = false; flush(false); });
    scroller.addEventListener("wheel", readerInput, {passive: true});
    scroller.addEventListener("touchstart", function () { touching = true; readerInput(); }, {passive: true});
    scroller.addEventListener("touchend", function () { touching = false; readerInput(); }, {passive: true});
    scroller.addEventListener("touchcancel", function () { touching = false; readerInput(); }, {passive: true});
    // A press on the scroller itself, not on a row: its scrollbar.
    scroller.addEventListener("pointerdown", function (e) { if (e.target === scroller) { dragging = true; } });
    window.addEventListener("pointerup", function () { if (dragging) { dragging = false; readerInput(); } });
    scroller.addEventListener("scroll", function () {
      if (readerScrolling()) {
        readerInput();
        atNewest = !awayFromNewest();
        if (atNewest) { flush(false); }
        return;
      }
      if (!atNewest && !awayFromNewest()) { atNewest = true; flush(false); return; }
      follow();
    }, {passive: true});
    if (window.ResizeObserver) {
      // The scroller resized by its neighbours, or the list grown or shrunk in place.
      var resized = new ResizeObserver(follow);
      resized.observe(scroller);
      resized.observe(list);
    }
    button.addEventListener("click", function () {
      pointed = false;
      focused = false;
      release();
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
