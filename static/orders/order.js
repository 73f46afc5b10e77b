// Order page: the auditor's one primary action (Approve a held order, Hold another open one) and the "More ⋯" menu
// (reject, extend the hold, override a finding, fix items), each asking for a reason; and the form that fixes a
// line's SKU (variant) or quantity. The page reloads after a change.
(function () {
  "use strict";
  var B = window.Backoffice, D = window.LiveDesk;
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var root = document.getElementById("order");
  var error = document.getElementById("action-error");
  var orderPath = "/api/v1/orders/" + encodeURIComponent(root.dataset.orderId);
  var toggle = document.querySelector(".order-actions .menu-toggle");
  var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));

  function setMenu(open, focus) {
    if (!toggle) { return; }
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.hidden = !open;
    if (open) {
      var first = menu.querySelector(".menu-item");
      if (first) { first.focus(); }
    } else if (focus) {
      toggle.focus();
    }
  }

  if (toggle) {
    toggle.addEventListener("click", function () { setMenu(toggle.getAttribute("aria-expanded") !== "true"); });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".row-menu")) { setMenu(false); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !menu.hidden) { setMenu(false, true); }
    });
    menu.querySelectorAll("a.menu-item").forEach(function (link) {
      link.addEventListener("click", function () { setMenu(false); });
    });
  }

  function pathOf(button) {
    var action = button.dataset.action;
    if (action === "override") { return orderPath + "/findings/" + encodeURIComponent(button.dataset.code) + "/override"; }
    return orderPath + "/" + action;
  }

  document.querySelectorAll(".order-actions button[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.dataset.action;
      error.textContent = "";
      setMenu(false);
      B.askReason(button.dataset.title || strings[action], strings.reasonRequired).then(function (reason) {
        if (reason === null) { return; }
        D.send("POST", pathOf(button), {reason: reason}).then(function (result) {
          if (result.ok) { window.location.reload(); return; }
          error.textContent = B.errorText(B.errorOf(result, strings.failed), strings.errors, strings.failed);
          error.dataset.code = (result.data && result.data.error && result.data.error.code) || "";
        }, function () { error.textContent = strings.offline; });
      });
    });
  });
  D.scriptReady(document.querySelector(".order-actions"));  // the primary action and "More"

  // Sends only what changed, by line position ({} keeps a line); a refused fix names its line's field by its label
  // ("Line 1: Qty", the slot's data-label).
  var fix = document.getElementById("fix-items");
  if (fix) {
    fix.addEventListener("submit", function (event) {
      event.preventDefault();
      B.clearErrors(fix);
      var changed = false;
      var items = Array.prototype.map.call(fix.querySelectorAll(".fix-line"), function (line) {
        var edit = {}, sku = line.querySelector("input[name=sku]").value.trim();
        var qty = line.querySelector("input[name=qty]").value.trim();
        if (sku !== line.dataset.sku) { edit.sku = sku; }
        if (qty !== line.dataset.qty) { edit.qty = B.numberOrText(qty); }
        changed = changed || Object.keys(edit).length > 0;
        return edit;
      });
      var slot = fix.querySelector(".form-error");
      if (!changed) { slot.textContent = slot.dataset.unchanged; return; }
      var body = {items: items}, reason = fix.querySelector("input[name=reason]").value.trim();
      if (reason) { body.reason = reason; }
      D.send("PATCH", orderPath, body).then(function (result) {
        if (result.ok) { window.location.reload(); return; }
        B.showError(fix, B.formErrorOf(result, fix, strings.failed));
      }, function () { slot.textContent = strings.offline; });
    });
    D.scriptReady(fix);
  }
})();
