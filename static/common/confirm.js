// The one confirmation step of every destructive action (static/common/design.css .confirm-dialog; the dialog
// itself is in templates/base.html, so its words are translated like the rest of the page).
//
// In markup: a button with data-confirm="Revoke token ‘ci-bot’?" asks that question before its click goes on;
// data-confirm-detail says what follows ("Scripts using it stop at once."), data-confirm-button names the
// confirming button (default: the button's own text), data-confirm-tone its colour when the action is not a
// danger (approve, primary; default danger). Cancel, Escape or a click outside changes nothing.
// A form's submit button rendered disabled with data-needs-script is enabled here, so it cannot act before it
// can ask.
// In scripts: LiveDesk.confirm(question, {detail, button, tone}) resolves true once confirmed, false otherwise.
// Questions are set with textContent: they may quote names people typed.
(function (global) {
  "use strict";
  var LiveDesk = global.LiveDesk = global.LiveDesk || {};
  var dialog = document.getElementById("confirm-dialog");
  var passing = null;

  function setText(id, text) {
    var node = document.getElementById(id);
    node.textContent = text || "";
    node.hidden = !text;
  }

  LiveDesk.confirm = function (question, options) {
    var opts = options || {};
    if (!dialog || dialog.open) { return Promise.resolve(false); }  // one question at a time
    var ok = document.getElementById("confirm-ok");
    var cancel = document.getElementById("confirm-cancel");
    setText("confirm-question", question);
    setText("confirm-detail", opts.detail);
    ok.textContent = opts.button || ok.dataset.defaultText;
    ok.className = opts.tone || "danger";
    var opener = document.activeElement;
    dialog.returnValue = "";
    dialog.showModal();
    cancel.focus();  // the safe answer is the one Enter or a stray tap gives
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function () {
        if (opener && opener.isConnected && typeof opener.focus === "function") { opener.focus(); }
        resolve(dialog.returnValue === "confirm");
      }, {once: true});
    });
  };

  if (!dialog) { return; }
  document.getElementById("confirm-ok").dataset.defaultText = document.getElementById("confirm-ok").textContent;

  // A click on the backdrop (outside the dialog's box) cancels, as Escape does.
  dialog.addEventListener("click", function (event) {
    if (event.target !== dialog) { return; }
    var box = dialog.getBoundingClientRect();
    var inside = event.clientX >= box.left && event.clientX <= box.right && event.clientY >= box.top && event.clientY <= box.bottom;
    if (!inside) { dialog.close(""); }
  });

  // Captured on the window, before the button's own handlers and its form's submit: they run only after the
  // question was answered yes, when the same button is clicked again on the person's behalf.
  global.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (!button || button.disabled) { return; }
    if (passing === button) { passing = null; return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    LiveDesk.confirm(button.dataset.confirm, {
      detail: button.dataset.confirmDetail, button: button.dataset.confirmButton || button.textContent.trim(),
      tone: button.dataset.confirmTone
    }).then(function (confirmed) {
      if (!confirmed || !button.isConnected) { return; }
      passing = button;
      button.click();
      passing = null;
    });
  }, true);

  // A form's submit button has no script of its own; a button a page script drives is enabled by that script.
  Array.prototype.forEach.call(document.querySelectorAll("button[type=submit][data-confirm][data-needs-script]"), function (button) {
    if (LiveDesk.scriptReady) {
      LiveDesk.scriptReady(button);
    } else {
      button.removeAttribute("data-needs-script");
      button.disabled = false;
    }
  });
})(window);
