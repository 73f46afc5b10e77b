// Shared by the moderator console scripts: the page config, JSON calls (static/common/api.js) and DOM
// building with textContent only. Chat text, nicknames, terms and API messages are hostile: never HTML.
(function (global) {
  "use strict";
  var config = JSON.parse(document.getElementById("config").textContent);

  // Resolves with {ok, status, data}, also offline ({ok: false, status: 0}): the console keeps running.
  function send(method, path, body, contentType) {
    return global.LiveDeskApi.send(method, path, body, contentType)
      .then(null, function () { return {ok: false, status: 0, data: {}}; });
  }

  var el = global.LiveDeskApi.el;  // static/common/api.js

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
