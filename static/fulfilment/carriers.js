// The admin's "Add a carrier" form on the fulfilment page: posts to /api/v1/carriers, shows each error under its
// field, and reloads the page on success so the new carrier is listed and offered in every ship form.
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk;
  var form = document.getElementById("carrier-form");
  if (!form || !LiveDesk || !LiveDesk.send) { return; }
  var strings = JSON.parse((document.getElementById("fulfilment-strings") || {}).textContent || "{}");
  var messages = strings.messages || {};

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    LiveDesk.clearRefusal(form);
    var data = {};
    ["code", "name_en", "name_zh", "tracking_pattern", "kuaidi100_code", "kdniao_code"].forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value) { data[name] = value; }
    });
    data.eta_days = parseInt(form.elements.eta_days.value, 10);
    LiveDesk.sendForm(form, "POST", "/api/v1/carriers", data, messages);
  });
  LiveDesk.scriptReady(form);
})(window);
