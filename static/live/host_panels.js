// Phones: each panel of the host page can be folded by its Hide / Show button (hidden from 600 px up, where
// every panel stays open). The choice is kept for this tab, so a reload keeps the host's layout.
(function () {
  "use strict";
  var strings = window.LiveDesk.host.strings;
  var KEY = "livedesk.host.folded";
  var folded = new Set();
  try { folded = new Set(JSON.parse(window.sessionStorage.getItem(KEY) || "[]")); } catch (e) { folded = new Set(); }

  document.querySelectorAll(".host-panel").forEach(function (panel) {
    var button = panel.querySelector(".panel-toggle");
    var body = panel.querySelector(".panel-body");
    var name = panel.getAttribute("aria-labelledby");
    var title = document.getElementById(name).firstChild.textContent.trim();
    body.id = body.id || name + "-body";
    button.setAttribute("aria-controls", body.id);

    function set(isFolded) {
      panel.classList.toggle("folded", isFolded);
      button.setAttribute("aria-expanded", isFolded ? "false" : "true");
      button.textContent = isFolded ? strings.show : strings.hide;
      button.setAttribute("aria-label", (isFolded ? strings.show : strings.hide) + " " + title);
    }

    set(folded.has(name));
    button.addEventListener("click", function () {
      if (folded.has(name)) { folded.delete(name); } else { folded.add(name); }
      set(folded.has(name));
      try { window.sessionStorage.setItem(KEY, JSON.stringify(Array.from(folded))); } catch (e) { /* private mode */ }
    });
    window.LiveDesk.scriptReady(button);
  });
}());
