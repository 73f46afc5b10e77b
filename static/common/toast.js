// Toasts (static/common/design.css .toasts/.toast): LiveDesk.toast(text, {tone, action, onAction, seconds})
// shows a short message at the bottom right, announced politely to screen readers, with an optional button
// (e.g. "Undo"); it goes after `seconds` (default 6) or when its button is pressed. Text goes to textContent.
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk = global.LiveDesk || {};

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

  LiveDesk.toast = function (text, options) {
    var opts = options || {};
    var toast = document.createElement("div");
    toast.className = "toast" + (opts.tone ? " " + opts.tone : "");
    var words = document.createElement("span");
    words.className = "toast-text";
    words.textContent = String(text);
    toast.appendChild(words);
    var close = function () { if (toast.parentNode) { toast.parentNode.removeChild(toast); } };
    if (opts.action) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = String(opts.action);
      button.addEventListener("click", function () { close(); if (opts.onAction) { opts.onAction(); } });
      toast.appendChild(button);
    }
    region().appendChild(toast);
    global.setTimeout(close, (opts.seconds || 6) * 1000);
    return close;
  };
})(window);
