// Shows every <time datetime="..."> in the viewer's own time zone.
document.querySelectorAll("time[datetime]").forEach(function (node) {
  var d = new Date(node.getAttribute("datetime"));
  if (!isNaN(d)) { node.textContent = d.toLocaleString(); }
});
