// The pages' DOM helpers, on window.LiveDesk: nodes built with textContent only (buyer, viewer and API text is
// hostile: never HTML), "{name}" slots filled in translated strings, instants shown in the viewer's zone and
// amounts of money (LiveDesk.money: the one money formatter of the pages' scripts).
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk = global.LiveDesk || {};

  LiveDesk.el = function (tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  };

  // The result goes to textContent, so the values stay text.
  LiveDesk.format = function (template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  };

  // The wall-clock time of an instant in the viewer's own time zone and locale ("" if it does not parse);
  // withDate adds the date.
  LiveDesk.localTime = function (iso, withDate) {
    var d = new Date(iso);
    if (isNaN(d)) { return ""; }
    // The page's language, so a Chinese page does not show English month or AM/PM words.
    var lang = document.documentElement.lang || undefined;
    return withDate ? d.toLocaleString(lang) : d.toLocaleTimeString(lang);
  };

  // An amount of yuan as "¥1,312,397.40": thousands grouped for the page's language, always 2 decimals. value is
  // the API's decimal string (or a number); "—" when there is none or it is not a number.
  var moneyFormat = null;
  LiveDesk.money = function (value) {
    if (value === null || value === undefined || value === "") { return "—"; }
    var amount = Number(value);
    if (!isFinite(amount)) { return "—"; }
    if (!moneyFormat) {
      moneyFormat = new Intl.NumberFormat(document.documentElement.lang || undefined,
                                          {minimumFractionDigits: 2, maximumFractionDigits: 2});
    }
    return (amount < 0 ? "−¥" : "¥") + moneyFormat.format(Math.abs(amount));
  };

  // Redraws rows without throwing keyboard focus to the page's start (UI.md, "Stable under load"): rows carry a key
  // in the attribute keyAttr (e.g. "data-order-id"); the control that had focus inside container is found again in
  // the redrawn row with the same key (the same kind of control at the same place among its kind in the row) and
  // focused without scrolling. A row that left: the row now at its place, if any. Gives back what redraw gives.
  LiveDesk.keepFocus = function (container, keyAttr, redraw) {
    var active = document.activeElement;
    if (!active || active === document.body || !container.contains(active)) { return redraw(); }
    var row = active.closest("[" + keyAttr + "]");
    if (!row || !container.contains(row)) { return redraw(); }
    var key = row.getAttribute(keyAttr);
    var rowsBefore = Array.prototype.slice.call(container.querySelectorAll("[" + keyAttr + "]"));
    var place = rowsBefore.indexOf(row);
    var sameKind = function (node) { return node.tagName === active.tagName && node.className === active.className; };
    var kin = row === active ? null : Array.prototype.filter.call(row.querySelectorAll(active.tagName), sameKind);
    var nth = kin ? kin.indexOf(active) : -1;
    var result = redraw();
    if (document.activeElement !== active || !container.contains(active)) {
      var again = Array.prototype.find.call(container.querySelectorAll("[" + keyAttr + "]"), function (node) {
        return node.getAttribute(keyAttr) === key;
      });
      var target = null;
      if (again) {
        target = kin ? Array.prototype.filter.call(again.querySelectorAll(active.tagName), sameKind)[nth] : again;
      } else {
        var now = container.querySelectorAll("[" + keyAttr + "]");
        again = now[Math.min(place, now.length - 1)];
        target = again && (again.tabIndex >= 0 ? again : again.querySelector("button, a[href], input, summary"));
      }
      if (target) { target.focus({preventScroll: true}); }
    }
    return result;
  };

  // Pages load their scripts at the end of the body, so a control whose behaviour comes only from a script is
  // rendered disabled with data-needs-script (the state is described in static/common/design.css):
  // a click before the script has run would do nothing, or submit an API form the plain way. The page's script
  // calls this right after binding the handlers of root: root and every control inside it that waits are enabled.
  // A control the script keeps disabled for its own reasons is rendered without the marker. Gives root back.
  LiveDesk.scriptReady = function (root) {
    if (!root) { return root; }
    var waiting = Array.prototype.slice.call(root.querySelectorAll("[data-needs-script]"));
    if (root.hasAttribute && root.hasAttribute("data-needs-script")) { waiting.unshift(root); }
    waiting.forEach(function (node) {
      node.removeAttribute("data-needs-script");
      node.removeAttribute("aria-disabled");
      if ("disabled" in node) { node.disabled = false; }
    });
    return root;
  };
})(window);
