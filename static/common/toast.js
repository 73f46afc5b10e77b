// Toasts (static/common/design.css .toasts/.toast): LiveDesk.toast(text, {tone, action, onAction, seconds, dismiss})
// shows a short message at the bottom right, announced politely to screen readers, with an optional button
// (e.g. "Undo") and a × that dismisses it (its accessible name: `dismiss`, else LiveDesk.toast.dismissLabel, else
// the page language's word). It goes after `seconds` (default 6), when a button is pressed, or when it is the
// oldest of more than LiveDesk.toast.MAX_VISIBLE: a stack of toasts must not cover the page's work (a phone's
// lists and their buttons). Text goes to textContent. Returns close(), which removes the toast (once).
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk = global.LiveDesk || {};
  var DISMISS = {zh: "关闭", en: "Dismiss"};  // pages without a label of their own

  function region() {
    var box = document.getElementById("toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "toasts";
      box.className = "toasts";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    return box;
  }

  function dismissLabel(opts) {
    if (opts.dismiss) { return String(opts.dismiss); }
    if (LiveDesk.toast.dismissLabel) { return String(LiveDesk.toast.dismissLabel); }
    return /^zh\b/i.test(document.documentElement.lang || "") ? DISMISS.zh : DISMISS.en;
  }

  function button(text, cls, onClick) {
    var node = document.createElement("button");
    node.type = "button";
    node.className = cls;
    node.textContent = text;
    node.addEventListener("click", onClick);
    return node;
  }

  LiveDesk.toast = function (text, options) {
    var opts = options || {};
    var box = region(), toast = document.createElement("div"), timer = null;
    toast.className = "toast" + (opts.tone ? " " + opts.tone : "");
    var words = document.createElement("span");
    words.className = "toast-text";
    words.textContent = String(text);
    toast.appendChild(words);
    var close = function () {
      global.clearTimeout(timer);
      if (!toast.parentNode) { return; }
      // The focus on its button would be lost with it: it goes back to the page.
      var focused = toast.contains(document.activeElement);
      toast.parentNode.removeChild(toast);
      if (focused && document.activeElement === document.body) {
        var main = document.getElementById("content");
        if (main) { main.focus({preventScroll: true}); }
      }
    };
    toast.livedeskClose = close;
    if (opts.action) {
      toast.appendChild(button(String(opts.action), "toast-action", function () {
        close();
        if (opts.onAction) { opts.onAction(); }
      }));
    }
    var dismiss = button("×", "toast-close", close);
    dismiss.setAttribute("aria-label", dismissLabel(opts));
    dismiss.title = dismissLabel(opts);
    toast.appendChild(dismiss);
    box.appendChild(toast);
    // The oldest go first.
    while (box.children.length > LiveDesk.toast.MAX_VISIBLE) {
      var oldest = box.firstElementChild;
      if (oldest.livedeskClose) { oldest.livedeskClose(); } else { box.removeChild(oldest); }
    }
    timer = global.setTimeout(close, (opts.seconds || 6) * 1000);
    return close;
  };
  LiveDesk.toast.MAX_VISIBLE = 2;
  LiveDesk.toast.dismissLabel = null;
})(window);
