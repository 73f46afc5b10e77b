// Order page: the auditor's approve / hold / reject / extend buttons, each asking for a reason, and the form that
// fixes a line's SKU (variant) or quantity; the page reloads after a change.
(function () {
  "use strict";
  var B = window.Backoffice, D = window.LiveDesk;
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var root = document.getElementById("order");
  var error = document.getElementById("action-error");
  var orderPath = "/api/v1/orders/" + encodeURIComponent(root.dataset.orderId);

  document.querySelectorAll(".order-actions button[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.dataset.action;
      error.textContent = "";
      B.askReason(button.dataset.title || strings[action], strings.reasonRequired).then(function (reason) {
        if (reason === null) { return; }
        D.send("POST", orderPath + "/" + action, {reason: reason}).then(function (result) {
          if (result.ok) { window.location.reload(); } else { error.textContent = B.errorOf(result, strings.failed).message; }
        }, function () { error.textContent = strings.offline; });
      });
    });
  });

  // Sends only what changed, by line position ({} keeps a line); a refused fix names its line's field.
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
        if (qty !== line.dataset.qty) { edit.qty = /^\d+$/.test(qty) ? Number(qty) : qty; }
        changed = changed || Object.keys(edit).length > 0;
        return edit;
      });
      var slot = fix.querySelector(".form-error");
      if (!changed) { slot.textContent = slot.dataset.unchanged; return; }
      var body = {items: items}, reason = fix.querySelector("input[name=reason]").value.trim();
      if (reason) { body.reason = reason; }
      D.send("PATCH", orderPath, body).then(function (result) {
        if (result.ok) { window.location.reload(); } else { B.showError(fix, B.errorOf(result, strings.failed)); }
      }, function () { slot.textContent = strings.offline; });
    });
  }
})();
