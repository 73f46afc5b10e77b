// Shared by the back-office pages: field errors and the reason dialog (JSON calls: LiveDesk.send in
// static/common/api.js, DOM and message formatting: static/common/dom.js). Every API message (it may quote
// buyer text) is shown as text, never as HTML.
(function (global) {
  "use strict";

  function errorOf(result, fallback) {
    var error = result && result.data && result.data.error;
    return error || {message: fallback};
  }

  // errorOf for a form: the message names the field by the form's own label ("Line 1: Qty", "Phone"), not the
  // API's path (LiveDesk.formLabels); code and field stay the API's, so showError finds the field's slot.
  function formErrorOf(result, form, fallback) {
    var error = errorOf(result, fallback);
    var text = global.LiveDesk.errorText({error: error}, global.LiveDesk.formLabels(form));
    return {code: error.code, field: error.field, message: text || fallback};
  }

  // A quantity as the form sends it: a number when it reads as one ("-1", "+3", "2.5"), so the API answers with
  // its range or "whole number"; any other text as typed, for the API to name.
  function numberOrText(text) {
    return /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  }

  // The text of an API error for a person: the page's own words for its code when it has them (in the page's
  // language), else the API's message, else fallback.
  function errorText(error, messages, fallback) {
    var known = error && error.code && messages && messages[error.code];
    return known || (error && error.message) || fallback;
  }

  // Shows error.message next to the control whose data-field equals error.field, else in the form's slot.
  function showError(form, error) {
    var slot = error.field && form.querySelector('.field-error[data-field="' + CSS.escape(error.field) + '"]');
    (slot || form.querySelector(".form-error")).textContent = error.message || "";
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
  }

  // Resolves with the trimmed reason, or null when the user cancels (Escape or Cancel).
  function askReason(title, requiredText) {
    var dialog = document.getElementById("reason-dialog");
    var form = dialog.querySelector("form");
    var input = dialog.querySelector("input[name=reason]");
    dialog.querySelector(".dialog-title").textContent = title;
    input.value = "";
    clearErrors(form);
    return new Promise(function (resolve) {
      var cancel = dialog.querySelector(".dialog-cancel");
      function finish(value) {
        form.removeEventListener("submit", onSubmit);
        dialog.removeEventListener("close", onClose);
        cancel.removeEventListener("click", onClose);
        if (dialog.open) { dialog.close(); }
        resolve(value);
      }
      function onSubmit(event) {
        event.preventDefault();
        var reason = input.value.trim();
        if (!reason) { showError(form, {field: "reason", message: requiredText}); input.focus(); return; }
        finish(reason);
      }
      function onClose() { finish(null); }
      form.addEventListener("submit", onSubmit);
      dialog.addEventListener("close", onClose);
      cancel.addEventListener("click", onClose);
      dialog.showModal();
      input.focus();
    });
  }

  global.Backoffice = {errorOf: errorOf, formErrorOf: formErrorOf, numberOrText: numberOrText, errorText: errorText,
                       showError: showError, clearErrors: clearErrors, askReason: askReason};
})(window);
