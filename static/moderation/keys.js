// Keyboard use of the moderator console: j/k move between messages (in the list the focus is in; the held
// queue first), a approve, h hide, t time out, b ban (asks first), x select a held message, v the viewer's
// history, ? this help. Keys typed into a field, or with Ctrl/Alt/Meta, are left alone.
(function (global) {
  "use strict";
  var M = global.Moderation;
  var lists = [document.getElementById("held"), document.getElementById("stream")];
  var help = document.getElementById("help-dialog");

  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("#held li.msg, #stream li.msg") : null;
  }

  function usable(node) { return node && !node.classList.contains("leaving"); }

  function move(step) {
    var item = current();
    var list = item ? item.parentNode : lists.filter(function (l) { return l.querySelector("li.msg"); })[0];
    if (!list) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll(":scope > li.msg"));
    var index = item ? items.indexOf(item) + step : 0;
    while (index >= 0 && index < items.length && !usable(items[index])) { index += step; }
    var next = items[index];  // past either end: the focus stays where it is
    if (next) { next.focus(); next.scrollIntoView({block: "nearest"}); }
  }

  function press(action) {
    var item = current();
    if (!usable(item)) { return; }
    var button = item.querySelector('button[data-action="' + action + '"]');
    if (button && !button.disabled) { button.click(); }
  }

  document.getElementById("open-help").addEventListener("click", function () { help.showModal(); });
  global.LiveDesk.scriptReady(document.getElementById("open-help"));

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey || event.defaultPrevented) { return; }
    var target = event.target;
    var typing = target.tagName === "INPUT" && target.type !== "checkbox";
    if (typing || (target.closest && target.closest("select, textarea, dialog[open]"))) { return; }
    var key = event.key;
    var actions = {a: "approve", h: "hide", t: "timeout", b: "ban", v: "viewer"};
    if (key === "j" || key === "k") {
      move(key === "j" ? 1 : -1);
    } else if (Object.prototype.hasOwnProperty.call(actions, key)) {
      press(actions[key]);
    } else if (key === "x") {
      var item = current(), box = usable(item) && item.querySelector(".select-msg");
      if (!box) { return; }
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", {bubbles: true}));
    } else if (key === "?") {
      help.showModal();
    } else {
      return;
    }
    event.preventDefault();
  });

  M.keys = {move: move};
})(window);
