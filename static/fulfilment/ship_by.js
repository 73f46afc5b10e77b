// The broadcast's ship-by deadline on /fulfilment: saved through PUT /api/v1/broadcasts/<id>/ship-by-policy,
// the same call a tool makes; a refusal is shown beside its field, in the page's language (the API translates it).
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk;
  var form = document.getElementById("ship-by-form");
  if (!form || !LiveDesk || !LiveDesk.send) { return; }
  var strings = JSON.parse((document.getElementById("fulfilment-strings") || {}).textContent || "{}");
  var messages = strings.messages || {};
  var amount = form.elements.amount, mode = form.elements.mode;

  mode.addEventListener("change", function () { amount.max = mode.value === "hours" ? 720 : 20; });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    LiveDesk.clearRefusal(form);
    var button = form.querySelector('button[type="submit"]');
    var number = Number(amount.value);
    var body = {mode: mode.value, amount: Number.isInteger(number) ? number : amount.value};
    button.disabled = true;
    var path = "/api/v1/broadcasts/" + encodeURIComponent(form.dataset.broadcastId) + "/ship-by-policy";
    LiveDesk.send("PUT", path, body).then(function (answer) {
      if (answer.ok) { global.location.reload(); return; }
      var slot = LiveDesk.showRefusal(form, answer, messages.failed);
      amount.setAttribute("aria-invalid", String(!!slot && slot.dataset.field === "amount"));
      button.disabled = false;
    }, function () {
      form.querySelector(".form-error").textContent = messages.offline || "";
      button.disabled = false;
    });
  });
  LiveDesk.scriptReady(form);
})(window);
