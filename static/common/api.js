// Shared by the console pages: JSON calls to the API with the CSRF header, and DOM nodes built with
// textContent only. API messages may quote what buyers and viewers typed: they are never HTML.
(function (global) {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  // Resolves with {ok, status, data} for every HTTP answer (the caller shows data.error); rejects only
  // when no answer came (offline). A body is sent as JSON unless a contentType is given (then as is).
  function send(method, path, body, contentType) {
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
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  global.LiveDeskApi = {send: send, el: el};
})(window);
