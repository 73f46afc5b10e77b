// The packing list's Print button (the page's print stylesheet leaves the console's chrome out).
(function () {
  "use strict";
  var button = document.getElementById("print");
  button.addEventListener("click", function () { window.print(); });
  window.LiveDesk.scriptReady(button);
})();
