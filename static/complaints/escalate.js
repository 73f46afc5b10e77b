// "Escalate as complaint" on a chat message of the moderator console: POST /api/v1/chat/<id>/escalate makes
// (once) a complaint of channel chat from the message; a toast says which (moderators do not open complaints).
(function (global) {
  "use strict";
  var M = global.Moderation, D = global.LiveDesk;
  if (!M) { return; }
  document.addEventListener("click", function (event) {
    var button = event.target.closest('button[data-action="escalate"]');
    var item = button && button.closest("li.msg");
    if (!item || !item.message) { return; }
    button.disabled = true;
    M.send("POST", "/api/v1/chat/" + item.message.message_id + "/escalate", {}).then(function (result) {
      button.disabled = false;
      if (!result.ok) { D.toast(M.errorText(result), {tone: "danger"}); return; }
      var id = result.data.complaint_id;
      item.dataset.complaintId = id;
      D.toast(D.format(M.strings.escalated, {id: id}), {tone: "good", seconds: 10});
    });
  });
})(window);
