// "Check a message…": the dry run (POST /api/v1/moderation/check) of a text against this broadcast's terms,
// policy and modes, shown as the decision, its reasons (with details from the catalogue, as in the lists) and
// what would happen to the viewer. Nothing is saved.
(function (global) {
  "use strict";
  var M = global.Moderation, S = M.strings, D = global.LiveDesk, el = D.el;
  var dialog = document.getElementById("check-dialog");
  var form = document.getElementById("check-form");
  var result = document.getElementById("check-result");

  document.getElementById("open-check").addEventListener("click", function () {
    dialog.showModal();
    form.elements.text.focus();
  });
  D.scriptReady(document.getElementById("open-check"));

  function show(decision) {
    result.replaceChildren();
    var head = el("p", null, "check-decision");
    var action = M.render.badge(M.config.actionLabels[decision.action] || decision.action, "decision-" + decision.action);
    action.dataset.action = decision.action;
    head.appendChild(el("span", S.checkAction + " "));
    head.appendChild(action);
    if (decision.is_question) { head.appendChild(M.render.badge(S.question, "question")); }
    if (decision.claim) {
      head.appendChild(M.render.badge(D.format(S.claimLabel, {claim: M.render.claimText(decision.claim)}), "claim"));
    }
    result.appendChild(head);
    if (decision.reasons.length) {
      result.appendChild(M.render.reasonsList(decision.reasons));
    } else {
      result.appendChild(el("p", S.checkNoReasons, "muted"));
    }
    var viewer = decision.viewer_action;
    if (viewer && viewer.type === "timeout") {
      result.appendChild(el("p", D.format(S.checkViewerTimeout, {seconds: viewer.seconds}), "viewer-effect"));
    } else if (viewer && viewer.type === "ban") {
      result.appendChild(el("p", S.checkViewerBan, "viewer-effect"));
    }
    if (decision.suggest_shield) { result.appendChild(el("p", S.checkRaid, "viewer-effect")); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {text: form.elements.text.value, broadcast_id: M.broadcastId};
    var viewer = form.elements.viewer_id.value.trim();
    if (viewer) { body.viewer_id = viewer; }
    M.send("POST", "/api/v1/moderation/check", body).then(function (answer) {
      if (answer.ok) { show(answer.data); return; }
      result.replaceChildren(el("p", M.errorText(answer), "form-error"));
    });
  });
})(window);
