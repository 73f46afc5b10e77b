// Copy buttons of the accounts pages: copies the text of the element named by data-copy and says so on the
// button (its data-done label) for two seconds. Values are read and written with textContent only.
(function () {
  "use strict";
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var label = button.textContent;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      var done = function () {
        button.textContent = button.getAttribute("data-done");
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(source.textContent).then(done, function () { select(source); });
      } else {
        select(source);
      }
    });
    window.LiveDesk.scriptReady(button);
  });

  // Where the clipboard is not available (plain http), select the text so the user can copy it by hand.
  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
})();
