// Shows every <time datetime="..."> as its date and time in the viewer's own time zone (static/common/dom.js).
document.querySelectorAll("time[datetime]").forEach(function (node) {
  var text = window.LiveDesk.localTime(node.getAttribute("datetime"), true);
  if (text) { node.textContent = text; }
});
