// Names the viewer's time zone once per page: every time on the page is shown in that zone (static/common/dom.js
// localTime, static/common/localtime.js, the analytics charts), so the reader knows which clock it is.
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk = global.LiveDesk || {};

  // "Asia/Shanghai (UTC+08:00)": the IANA name when the browser knows it, and the current offset from UTC.
  LiveDesk.zoneName = function () {
    var minutes = -new Date().getTimezoneOffset(), abs = Math.abs(minutes);
    var offset = "UTC" + (minutes < 0 ? "−" : "+") + String(Math.floor(abs / 60)).padStart(2, "0") + ":" +
      String(abs % 60).padStart(2, "0");
    var name = "";
    try { name = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { name = ""; }
    return name ? name + " (" + offset + ")" : offset;
  };

  // The server cuts days and weeks in this zone too when a page names none (app/http/reader_zone.py).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    if (zone && document.cookie.indexOf("livedesk_tz=" + encodeURIComponent(zone)) < 0) {
      document.cookie = "livedesk_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* no zone to keep */ }

  var note = document.getElementById("zone-note");
  if (note) {
    note.textContent = String(note.dataset.template).replace("{zone}", LiveDesk.zoneName());
    note.hidden = false;
  }
})(window);
