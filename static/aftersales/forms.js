// After-sales forms (case dialogs, the order page's "Open a case"): what a form sends, and the API's errors shown
// under the field they name, the field named by its label on the form (LiveDesk.formLabels), not the API's name.
// API messages may quote buyer text: they go to textContent only.
(function (global) {
  "use strict";
  var LINE = /^lines\[(\d+)\]/;

  // The page's own words for an error code (in the page's language), else the API's message (its field named by
  // labels, API field name -> label, when given), else fallback.
  function errorText(error, strings, fallback, labels) {
    var known = error && error.code && strings.errors && strings.errors[error.code];
    var message = error && error.message && global.LiveDesk.errorText({error: error}, labels);
    return known || message || fallback;
  }

  // The form's labels by API field name; lines[i].x is the i-th line sent, named by its SKU.
  function labelsOf(form, field, sentSkus) {
    var labels = global.LiveDesk.formLabels(form), match = field && LINE.exec(field);
    if (match && sentSkus && sentSkus[Number(match[1])] !== undefined) { labels[field] = sentSkus[Number(match[1])]; }
    return labels;
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
  }

  // Shows a message under the field named (lines[i].x: the i-th line sent, by its SKU), else in the form's slot.
  function showError(form, field, message, sentSkus) {
    var slot = null, match = field && LINE.exec(field);
    if (match && sentSkus && sentSkus[Number(match[1])] !== undefined) {
      slot = form.querySelector('.field-error[data-line-sku="' + CSS.escape(sentSkus[Number(match[1])]) + '"]');
    } else if (field) {
      slot = form.querySelector('.field-error[data-field="' + CSS.escape(field) + '"]');
    }
    (slot || form.querySelector(".form-error")).textContent = message || "";
    var input = slot && slot.parentNode.querySelector("input, select, textarea");
    if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
  }

  // [{sku, key: n}] of a fieldset of line inputs; keepZero: lines left at 0 are sent too.
  function lines(fieldset, keepZero) {
    var key = fieldset.dataset.key || "qty", out = [];
    fieldset.querySelectorAll("input[data-sku]").forEach(function (input) {
      var n = Number(input.value || 0);
      if (n > 0 || keepZero) {
        var line = {sku: input.dataset.sku};
        line[key] = Number.isInteger(n) ? n : input.value;  // the API names a value that is not a whole number
        out.push(line);
      }
    });
    return out;
  }

  // Sends body; resolves with the answer when it is ok, else shows its error in the form and resolves null.
  function submit(form, method, path, body, strings, sentSkus) {
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    return global.LiveDesk.send(method, path, body).then(function (result) {
      button.disabled = false;
      if (result.ok) { return result; }
      var error = (result.data && result.data.error) || {};
      var labels = labelsOf(form, error.field, sentSkus);
      showError(form, error.field, errorText(error, strings, strings.failed, labels), sentSkus);
      return null;
    }, function () {
      button.disabled = false;
      form.querySelector(".form-error").textContent = strings.offline;
      return null;
    });
  }

  global.AftersalesForms = {errorText: errorText, clearErrors: clearErrors, showError: showError, lines: lines,
                            submit: submit};
})(window);
