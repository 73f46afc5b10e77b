// Order page: the auditor's approve / hold / reject buttons, each asking for a reason; the page reloads after.
(function () {
  "use strict";
  var B = window.Backoffice, D = window.LiveDesk;
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var root = document.getElementById("order");
  var error = document.getElementById("action-error");

  document.querySelectorAll(".order-actions button[data-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.dataset.action;
      error.textContent = "";
      B.askReason(strings[action], strings.reasonRequired).then(function (reason) {
        if (reason === null) { return; }
        var path = "/api/v1/orders/" + encodeURIComponent(root.dataset.orderId) + "/" + action;
        D.send("POST", path, {reason: reason}).then(function (result) {
          if (result.ok) { window.location.reload(); } else { error.textContent = B.errorOf(result, strings.failed).message; }
        }, function () { error.textContent = strings.offline; });
      });
    });
  });
})();
