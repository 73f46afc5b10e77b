// Product page: the create/edit form with its variant rows (POST or PATCH /api/v1/products) and the restock /
// correction form (POST /api/v1/products/<sku>/restock or /stock-corrections). Every message, the API's
// included (it may quote what was typed), is shown with textContent.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var send = window.LiveDesk.send;  // static/common/api.js

  function clearErrors(form) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
  }

  // An error names its field: "price", or "variants[1].size" for the second variant row's size input. The
  // message names it as the page does: the field's label, or "Row 2 · Size" for a variant row's input.
  function showError(form, error) {
    var field = String((error && error.field) || "");
    var row = /^variants\[(\d+)\]\.(\w+)/.exec(field);
    var labels = window.LiveDesk.formLabels(form);
    if (row) {
      var rows = form.querySelectorAll("tr.variant-row");
      var input = rows[Number(row[1])] && rows[Number(row[1])].querySelector('[name="' + row[2] + '"]');
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
        labels[field] = window.LiveDesk.format(strings.rowField, {n: Number(row[1]) + 1,
                                                                   label: input.getAttribute("aria-label") || row[2]});
      }
      field = "variants";
    }
    var message = window.LiveDesk.errorText({error: error}, labels) || strings.failed;
    var slot = field && form.querySelector('.field-error[data-field="' + CSS.escape(field.split(/[.\[]/)[0]) + '"]');
    (slot || form.querySelector(".form-error")).textContent = message;
  }

  function text(root, name) {
    var input = root.querySelector('[name="' + name + '"]');
    return input ? input.value.trim() : "";
  }

  // A whole number as typed, sign included ("-2", "+3"), goes as a JSON number, so the API answers with its range
  // ("must be between 1 and 10000000") rather than "must be an integer"; anything else goes as the text it is, so
  // the API names the field instead of the page guessing (as numberOrText in static/live/setup.js).
  function count(raw) {
    var text = raw.trim(), number = Number(text);
    return /^[+-]?\d+$/.test(text) && isFinite(number) ? number : text;
  }

  function variantBody(row, creating) {
    var body = {sku: text(row, "sku")};
    ["size", "colour", "name"].forEach(function (key) {
      var value = text(row, key);
      if (value) { body[key] = value; } else if (!creating && key !== "name") { body[key] = null; }
    });
    var price = text(row, "price");
    if (price) { body.price = price; } else if (!creating) { body.price = null; }
    if (row.dataset.existing !== "true") { body.stock = count(text(row, "stock") || "0"); }
    return body;
  }

  function productBody(form) {
    var creating = form.dataset.mode === "create";
    var body = {name: text(form, "name"), price: text(form, "price")};
    var url = text(form, "image_url");
    if (url) { body.image_url = url; } else if (!creating) { body.image_url = null; }
    var rows = form.querySelectorAll("tr.variant-row");
    if (creating) {
      body.sku = text(form, "sku");
      if (rows.length) {
        body.variants = Array.prototype.map.call(rows, function (row) { return variantBody(row, true); });
      } else {
        body.stock = count(text(form, "stock") || "0");
      }
    } else if (rows.length) {
      body.variants = Array.prototype.map.call(rows, function (row) { return variantBody(row, false); });
    }
    return body;
  }

  var form = document.getElementById("product-form");
  if (form) {
    var tbody = form.querySelector("#variants-table tbody");
    var template = document.getElementById("variant-template");
    var addButton = document.getElementById("add-variant");
    if (addButton) {
      addButton.addEventListener("click", function () {
        var row = template.content.firstElementChild.cloneNode(true);
        tbody.appendChild(row);
        row.querySelector('[name="sku"]').focus();
      });
      tbody.addEventListener("click", function (event) {
        var button = event.target.closest("button.remove-variant");
        if (button) { button.closest("tr").remove(); }
      });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var creating = form.dataset.mode === "create";
      var path = creating ? "/api/v1/products" : "/api/v1/products/" + encodeURIComponent(form.dataset.sku);
      send(creating ? "POST" : "PATCH", path, productBody(form)).then(function (result) {
        if (result.ok) {
          window.location.assign("/products/" + encodeURIComponent(result.data.sku));
        } else {
          showError(form, result.data.error);
        }
      }, function () { form.querySelector(".form-error").textContent = strings.offline; });
    });
    window.LiveDesk.scriptReady(form);  // Add variant and Save
  }

  var stockForm = document.getElementById("stock-form");
  if (stockForm) {
    stockForm.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(stockForm);
      var sku = stockForm.querySelector('[name="sku"]').value;
      var mode = stockForm.querySelector('[name="mode"]:checked').value;
      var units = count(text(stockForm, "units"));
      var body = {reason: text(stockForm, "reason")};
      var path = "/api/v1/products/" + encodeURIComponent(sku);
      if (mode === "restock") { body.units = units; path += "/restock"; } else { body.stock = units; path += "/stock-corrections"; }
      send("POST", path, body).then(function (result) {
        if (result.ok) { window.location.reload(); } else { showError(stockForm, result.data.error); }
      }, function () { stockForm.querySelector(".form-error").textContent = strings.offline; });
    });
    window.LiveDesk.scriptReady(stockForm);
  }
}());
