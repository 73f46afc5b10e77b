// The wall display's credentials (loaded before the live scripts run anything): a screen without a login is opened
// as /broadcasts/<id>/live?display=wall#token=<display-scoped API token>. The fragment never leaves the browser (no
// server log, no Referer); it is moved out of the address bar into this tab's sessionStorage at once, so a reload
// keeps working and a photo of the screen does not show it. Then the page's API reads (LiveDesk's fetch calls to
// /api/v1) carry it as a bearer header and the /live socket sends it as its auth, as docs/api.md describes for
// wall displays. A logged-in user opening the wall without a token uses the session cookie as every page does.
(function (global) {
  "use strict";
  var root = document.getElementById("wall");
  var KEY = "livedesk.wall.token." + root.dataset.broadcastId;
  var match = /(?:^#|&)token=([^&]+)/.exec(global.location.hash);
  if (match) {
    try { global.sessionStorage.setItem(KEY, decodeURIComponent(match[1])); } catch (e) { /* private mode */ }
    global.history.replaceState(null, "", global.location.pathname + global.location.search);
  }
  var token = match ? decodeURIComponent(match[1]) : null;
  try { token = token || global.sessionStorage.getItem(KEY); } catch (e) { /* private mode */ }
  root.dataset.auth = token ? "token" : "session";
  if (!token) { return; }

  var plainFetch = global.fetch.bind(global);
  global.fetch = function (url, options) {
    if (typeof url !== "string" || url.indexOf("/api/v1/") !== 0) { return plainFetch(url, options); }
    var withToken = Object.assign({}, options || {}, {credentials: "omit"});
    withToken.headers = Object.assign({}, (options && options.headers) || {}, {Authorization: "Bearer " + token});
    return plainFetch(url, withToken).then(function (response) {
      if (response.status === 401 || response.status === 403) { root.dataset.refused = "true"; }
      return response;
    });
  };
  var plainIo = global.io;
  global.io = function (namespace, options) {
    return plainIo(namespace, Object.assign({}, options || {}, {auth: {token: token}, withCredentials: false}));
  };
}(window));
