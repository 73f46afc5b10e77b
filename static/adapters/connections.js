// The create form of /connections: show only the fields the chosen platform reads (data-platforms lists them)
// and disable the others, so a field typed for another platform is not sent. Without this script every field
// shows and the server reads only the chosen platform's.
(function () {
  "use strict";
  var select = document.getElementById("connection-platform");
  if (!select) { return; }
  var fields = Array.prototype.slice.call(select.form.querySelectorAll("[data-platforms]"));

  function show() {
    var platform = select.value;
    fields.forEach(function (field) {
      var used = field.getAttribute("data-platforms").split(" ").indexOf(platform) !== -1;
      field.hidden = !used;
      field.querySelectorAll("input, select").forEach(function (input) { input.disabled = !used; });
    });
  }

  select.addEventListener("change", show);
  show();
})();
