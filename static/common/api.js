// Shared by the console pages: LiveDesk.send, JSON calls to the API with the CSRF header. API messages may
// quote what buyers and viewers typed: show them with textContent (LiveDesk.el, static/common/dom.js).
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
})(window);
