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
    var number = Number(amount.value);
    var body = {mode: mode.value, amount: Number.isInteger(number) ? number : amount.value};
    var path = "/api/v1/broadcasts/" + encodeURIComponent(form.dataset.broadcastId) + "/ship-by-policy";
    LiveDesk.sendForm(form, "PUT", path, body, messages).then(function (slot) {
      amount.setAttribute("aria-invalid", String(!!slot && slot.dataset.field === "amount"));
    });
  });
  LiveDesk.scriptReady(form);
})(window);
