// Promotions page: create forms and deactivate buttons talk to /api/v1/promotions.
// Every message, including the API's (which may quote what the user typed), is shown with textContent.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var send = window.LiveDesk.send;  // static/common/api.js

  // Values are sent as typed where the API can judge them better (money, codes); numbers that do not
  // parse are sent as text so the API names the field instead of the page guessing.
  function value(field) {
    var raw = field.value.trim();
    if (raw === "") { return undefined; }
    switch (field.dataset.type) {
      case "int":
        return /^-?\d+$/.test(raw) ? parseInt(raw, 10) : raw;
      case "datetime":
        var when = new Date(raw);  // datetime-local is the viewer's zone; the API wants a zone
        return isNaN(when) ? raw : when.toISOString();
      case "list":
        return listed(raw);
      case "prices":
        var prices = {};
        priceLines(raw).forEach(function (line) { prices[line.sku] = line.price; });
        return prices;
      default:
        return raw;
    }
  }

  // A SKU may hold spaces and commas ("TEA 250g"): in quotes ("…" or “…”) it is taken whole.
  function unquoted(text) {
    var quoted = /^(?:"([^"]*)"|“([^”]*)”)$/.exec(text);
    return quoted ? (quoted[1] !== undefined ? quoted[1] : quoted[2]) : text;
  }

  // SKUs separated by spaces or commas; quoted ones taken whole.
  function listed(raw) {
    return (raw.match(/"[^"]*"|“[^”]*”|[^\s,，]+/g) || []).map(unquoted).filter(Boolean);
  }

  // "SKU price" per line ("SKU=price", "SKU：¥price" too: the page shows money with ¥), with its line number. The
  // price is the line's last word, so a SKU with spaces needs no quotes here ("TEA 250g 39.90"); quotes still work.
  function priceLines(raw) {
    var lines = [];
    raw.split(/\n/).forEach(function (line, index) {
      var text = line.trim();
      if (!text) { return; }
      var parts = /^(.*?)[\s=:：]+([¥￥]?[^\s=:：]+)$/.exec(text);
      var sku = unquoted((parts ? parts[1] : text).trim());
      if (sku) { lines.push({sku: sku, price: parts ? parts[2].replace(/^[¥￥]/, "") : "", line: index + 1}); }
    });
    return lines;
  }

  // A SKU given two prices: the later would silently win; the field says which lines instead.
  function repeatedPrices(form) {
    var problems = [];
    form.querySelectorAll('[data-type="prices"]').forEach(function (field) {
      var seen = {};
      priceLines(field.value).forEach(function (line) { (seen[line.sku] = seen[line.sku] || []).push(line.line); });
      Object.keys(seen).forEach(function (sku) {
        if (seen[sku].length > 1) {
          problems.push({field: field.name, message: window.LiveDesk.format(strings.repeatedSku,
                                                                             {sku: sku, lines: seen[sku].join(", ")})});
        }
      });
    });
    return problems;
  }

  function body(form) {
    var data = {kind: form.dataset.kind};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name) { return; }
      var v = value(field);
      if (v !== undefined) { data[field.name] = v; }
    });
    return data;
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
  }

  function showErrors(form, data) {
    var errors = data.errors || (data.error ? [data.error] : []);
    if (!errors.length) { form.querySelector(".form-error").textContent = strings.failed; return; }
    var labels = window.LiveDesk.formLabels(form);
    errors.forEach(function (error) {
      var root = String(error.field || "").split(/[.\[]/)[0];
      var slot = root && form.querySelector('.field-error[data-field="' + CSS.escape(root) + '"]');
      var target = slot || form.querySelector(".form-error");
      var text = window.LiveDesk.errorText({error: error}, labels) || error.message;
      // Two problems of one field (two unknown SKUs) are both shown, not the last one alone.
      target.textContent = target.textContent ? target.textContent + " · " + text : text;
    });
  }

  document.querySelectorAll("form.promo-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var repeated = repeatedPrices(form);
      if (repeated.length) { showErrors(form, {errors: repeated}); return; }
      send("POST", "/api/v1/promotions", body(form)).then(function (result) {
        if (result.ok) { window.location.reload(); } else { showErrors(form, result.data); }
      }, function () { form.querySelector(".form-error").textContent = strings.offline; });
    });
    window.LiveDesk.scriptReady(form);
  });

  document.querySelectorAll("button.deactivate").forEach(function (button) {
    // Asked first by static/common/confirm.js (the button's data-confirm).
    button.addEventListener("click", function () {
      var listError = document.getElementById("list-error");
      listError.textContent = "";
      send("DELETE", "/api/v1/promotions/" + encodeURIComponent(button.dataset.code)).then(function (result) {
        if (result.ok) { window.location.reload(); return; }
        listError.textContent = (result.data.error && result.data.error.message) || strings.failed;
      }, function () { listError.textContent = strings.offline; });
    });
    window.LiveDesk.scriptReady(button);
  });
}());
