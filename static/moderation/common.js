// Shared by the moderator console scripts: the page config, JSON calls with the CSRF header, and DOM
// building with textContent only. Chat text, nicknames, terms and API messages are hostile: never HTML.
(function (global) {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var config = JSON.parse(document.getElementById("config").textContent);

  // Resolves with {ok, status, data}; never rejects on an HTTP error (the caller shows data.error).
  function send(method, path, body, contentType) {
    var options = {method: method, credentials: "same-origin", headers: {"X-CSRFToken": csrf, "Accept": "application/json"}};
    if (body !== undefined) {
      options.headers["Content-Type"] = contentType || "application/json";
      options.body = contentType ? body : JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {ok: response.ok, status: response.status, data: data};
      });
    }, function () { return {ok: false, status: 0, data: {}}; });
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function button(text, cls, action) {
    var node = el("button", text, cls);
    node.type = "button";
    if (action) { node.dataset.action = action; }
    return node;
  }

  // Fills "{name}" slots of a translated string; the result goes to textContent, so values stay text.
  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function localTime(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleTimeString();
  }

  function errorText(result) {
    var error = result && result.data && result.data.error;
    if (!error) { return config.strings.error; }
    return error.field ? error.field + ": " + error.message : error.message;
  }

  global.Moderation = {
    config: config, strings: config.strings, broadcastId: config.broadcastId, send: send, el: el,
    button: button, format: format, localTime: localTime, errorText: errorText
  };
})(window);
