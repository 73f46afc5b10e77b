// Shared by the console pages: LiveDesk.send, JSON calls to the API with the CSRF header, and LiveDesk.errorText,
// an API error's message as a form shows it, its field named by the form's own label (LiveDesk.formLabels).
// API messages may quote what buyers and viewers typed: show them with textContent (LiveDesk.el, static/common/dom.js).
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk = global.LiveDesk || {};
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  // Resolves with {ok, status, data} for every HTTP answer (the caller shows data.error); rejects only
  // when no answer came (offline). A body is sent as JSON unless a contentType is given (then as is).
  LiveDesk.send = function (method, path, body, contentType) {
    var options = {method: method, credentials: "same-origin",
                   headers: {"X-CSRFToken": csrf, "Accept": "application/json"}};
    if (body !== undefined) {
      options.headers["Content-Type"] = contentType || "application/json";
      options.body = contentType ? body : JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {ok: response.ok, status: response.status, data: data};
      });
    });
  };

  // An instant as the API writes it in a message (ISO-8601 with a zone).
  var INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

  function readableTime(iso) {
    var d = new Date(iso);
    if (isNaN(d)) { return iso; }
    return d.toLocaleString(document.documentElement.lang || undefined,
                            {year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"});
  }

  // The message of an API error body ({"error": {code, field, message}}, already in the reader's language) as a
  // form shows it: its field named by the form's own label (labels: API field name -> label) rather than the API's
  // name, and the instants it quotes in the viewer's zone and language; "" when the body has no message.
  LiveDesk.errorText = function (body, labels) {
    var error = (body && body.error) || {};
    if (!error.message) { return ""; }
    var text = String(error.message);
    var label = error.field && labels && Object.prototype.hasOwnProperty.call(labels, error.field) && labels[error.field];
    if (label) { text = text.replace(error.field, function () { return label; }); }
    // Another field the sentence names ("ends_at must be after starts_at"): by its label too, when it has one and
    // its API name cannot be an ordinary word (it holds "_" or ".").
    Object.keys(labels || {}).forEach(function (name) {
      if (name !== error.field && /[_.]/.test(name) && text.indexOf(name) >= 0) {
        text = text.split(name).join(labels[name]);
      }
    });
    return text.replace(INSTANT, readableTime);
  };

  var CONTROLS = "input, select, textarea, datalist, button, .field-error, .form-error";
  // A remark in brackets at the end of a label ("(your time zone)", "（可选）") is for the person filling the
  // field, not for a sentence that names it.
  var REMARK = /\s*[(（][^()（）]*[)）]\s*$/;

  // The words of a <label> without its controls and error slots: its own text when it has some (a prefix in an
  // element, like "Line 1" before "SKU", stays out), else all its text; "" for no label.
  LiveDesk.labelText = function (label) {
    if (!label) { return ""; }
    var own = Array.prototype.filter.call(label.childNodes, function (node) { return node.nodeType === 3; })
      .map(function (node) { return node.textContent; }).join(" ");
    if (!own.trim()) {
      var copy = label.cloneNode(true);
      copy.querySelectorAll(CONTROLS).forEach(function (node) { node.remove(); });
      own = copy.textContent;
    }
    return own.replace(/\s+/g, " ").trim().replace(REMARK, "");
  };

  // The labels of a form's fields by the API's field names, for LiveDesk.errorText: each error slot
  // (.field-error[data-field]) gives its data-label, else the words of the <label> around it; each named control
  // its own <label>, when no slot named it already. The labels are the page's own, so in its language; a field
  // with no label is left out (its API name stays).
  LiveDesk.formLabels = function (form) {
    var labels = {};
    form.querySelectorAll(".field-error[data-field]").forEach(function (slot) {
      var text = slot.dataset.label || LiveDesk.labelText(slot.closest("label"));
      if (text) { labels[slot.dataset.field] = text; }
    });
    Array.prototype.forEach.call(form.elements, function (control) {
      if (!control.name || labels[control.name] || !control.labels || !control.labels.length) { return; }
      var text = LiveDesk.labelText(control.labels[0]);
      if (text) { labels[control.name] = text; }
    });
    return labels;
  };

  // Shows a refused answer ({ok: false, data}) in its form: the message, its field named by the form's label, in the
  // field's error slot (.field-error[data-field]) or else the form's .form-error; fallback when it has no message.
  // Returns the slot used. Clear the slots before sending (LiveDesk.clearRefusal).
  LiveDesk.showRefusal = function (form, answer, fallback) {
    var error = (answer && answer.data && answer.data.error) || {};
    var slot = error.field && form.querySelector('.field-error[data-field="' + error.field + '"]');
    var target = slot || form.querySelector(".form-error");
    if (target) { target.textContent = LiveDesk.errorText(answer && answer.data, LiveDesk.formLabels(form)) || fallback || ""; }
    return slot;
  };

  // Sends a form's body with its submit button held: reloads the page once done, else shows the refusal in the form
  // (LiveDesk.showRefusal) or that the server could not be reached. Resolves with the refusal's slot, or null.
  LiveDesk.sendForm = function (form, method, path, body, messages) {
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    return LiveDesk.send(method, path, body).then(function (answer) {
      if (answer.ok) { global.location.reload(); return null; }
      button.disabled = false;
      return LiveDesk.showRefusal(form, answer, messages.failed);
    }, function () {
      form.querySelector(".form-error").textContent = messages.offline || "";
      button.disabled = false;
      return null;
    });
  };

  LiveDesk.clearRefusal = function (form) {
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
  };
})(window);
