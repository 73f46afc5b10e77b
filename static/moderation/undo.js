// Undo toasts: after any moderator action the console shows what was done with an Undo button for 60 seconds
// (static/common/toast.js), and a × to dismiss it. At most two toasts show at once (a spam wave of taps must not
// bury the held messages' buttons on a phone): an older undo toast is dropped, and its action is still undone from
// the lists (Approve on a hidden message) or the viewer panel (Lift). The server accepts the undo later too (it is
// a restore or a lift, docs/moderation.md "Undo"). The undo's answer is shown as a toast of its own.
(function (global) {
  "use strict";
  var M = global.Moderation, S = M.strings, D = global.LiveDesk;
  var UNDO_SECONDS = 60;
  D.toast.dismissLabel = S.dismiss;

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
