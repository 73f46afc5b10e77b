// Undo toasts: after any moderator action the console shows what was done with an Undo button for 60 seconds
// (static/common/toast.js). The server accepts the undo later too (it is a restore or a lift, docs/moderation.md
// "Undo"), from the viewer panel. The undo's answer is shown as a toast of its own.
(function (global) {
  "use strict";
  var M = global.Moderation, S = M.strings, D = global.LiveDesk;
  var UNDO_SECONDS = 60;

  // text: what was done; undo(): a promise of {ok, ...} (M.send's answer).
  M.toast = function (text, undo) {
    return D.toast(text, {tone: "attention", action: S.undo, seconds: UNDO_SECONDS, onAction: function () {
      undo().then(function (result) {
        if (result.ok) {
          D.toast(S.undone, {tone: "good"});
        } else {
          D.toast(D.format(S.undoFailed, {error: M.errorText(result)}), {tone: "danger"});
        }
      });
    }});
  };
})(window);
