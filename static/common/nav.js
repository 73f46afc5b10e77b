// Marks the top bar's link to the page being shown (aria-current="page"), so the place is visible and announced.
(function () {
  "use strict";
  var links = document.querySelectorAll(".topbar nav a[href]");
  var here = window.location.pathname;
  var best = null;
  Array.prototype.forEach.call(links, function (link) {
    var path = new URL(link.href, window.location.href).pathname;
    var matches = path === "/" ? here === "/" : here === path || here.indexOf(path + "/") === 0;
    if (matches && (!best || path.length > best.path.length)) { best = {link: link, path: path}; }
  });
  if (best) { best.link.setAttribute("aria-current", "page"); }
})();
