// The agent's forms on a complaint page: status moves, reopen with a reason, cause analysis and resolution,
// triage. Each sends JSON to /api/v1/complaints/<id>/... (LiveDesk.send) and reloads the page when it worked;
// an error is shown next to its field, the field named by the form's own label in the page's language
// (LiveDesk.errorText with LiveDesk.formLabels), not by the API's name. API messages are shown with textContent only.
(function (global) {
  "use strict";
  var D = global.LiveDesk;
  var root = document.getElementById("complaint");
  var base = "/api/v1/complaints/" + encodeURIComponent(root.dataset.complaintId);
  var S = JSON.parse(document.getElementById("complaint-strings").textContent);

  function clearErrors(scope) {
    scope.querySelectorAll(".field-error, .form-error").forEach(function (n) { n.textContent = ""; });
    scope.querySelectorAll("[aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); });
  }

  function fail(scope, errorNode, result) {
    var error = (result.data && result.data.error) || {};
    var labels = scope.tagName === "FORM" ? D.formLabels(scope) : {};
    var message = D.errorText(result.data, labels) || S.failed;
    var fieldNode = error.field ? scope.querySelector('.field-error[data-field="' + error.field.split("[")[0] + '"]') : null;
    (fieldNode || errorNode).textContent = message;
    var control = error.field ? scope.querySelector('[name="' + error.field.split("[")[0] + '"]') : null;
    if (control) { control.setAttribute("aria-invalid", "true"); control.focus(); }
  }

  // Sends body to path; on success reloads the page, else shows the error. buttons are disabled meanwhile.
  function send(path, body, scope, errorNode, buttons) {
    clearErrors(scope);
    buttons.forEach(function (b) { b.disabled = true; });
    return D.send("POST", base + path, body).then(function (result) {
      if (result.ok) { global.location.reload(); return; }
      buttons.forEach(function (b) { b.disabled = false; });
      fail(scope, errorNode, result);
    }, function () {
      buttons.forEach(function (b) { b.disabled = false; });
      errorNode.textContent = S.failed;
    });
  }

  // Typing into a field clears the error it was named in.
  root.addEventListener("input", function (event) {
    var name = event.target.name;
    if (!name || !event.target.hasAttribute("aria-invalid")) { return; }
    event.target.removeAttribute("aria-invalid");
    var form = event.target.form, node = form && form.querySelector('.field-error[data-field="' + name + '"]');
    if (node) { node.textContent = ""; }
  });

  var moves = document.getElementById("moves");
  if (moves) {
    moves.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-move]");
      if (!button) { return; }
      send("/" + button.dataset.move, {}, moves, document.getElementById("move-error"), [button]);
    });
    D.scriptReady(moves);
  }

  var reopen = document.getElementById("reopen-form");
  if (reopen) {
    reopen.addEventListener("submit", function (event) {
      event.preventDefault();
      send("/reopen", {reason: reopen.elements.reason.value}, reopen, document.getElementById("move-error"),
           [reopen.querySelector("button")]);
    });
    D.scriptReady(reopen);
  }

  var resolve = document.getElementById("resolve-form");
  function plan() {
    return Array.prototype.filter.call(resolve.querySelectorAll('input[name="action"]'), function (box) {
      return box.checked;
    }).map(function (box) {
      var note = resolve.elements["note-" + box.value].value.trim();
      return note ? {kind: box.value, note: note} : {kind: box.value};
    });
  }
  if (resolve) {
    var buttons = [document.getElementById("save-analysis"), document.getElementById("resolve")];
    var errorNode = document.getElementById("resolve-error");
    document.getElementById("save-analysis").addEventListener("click", function () {
      var body = {cause_note: resolve.elements.cause_note.value, actions: plan()};
      if (resolve.elements.root_cause.value) { body.root_cause = resolve.elements.root_cause.value; }
      send("/analysis", body, resolve, errorNode, buttons);
    });
    resolve.addEventListener("submit", function (event) {
      event.preventDefault();
      send("/resolve", {root_cause: resolve.elements.root_cause.value, cause_note: resolve.elements.cause_note.value,
                        actions: plan(), resolution: resolve.elements.resolution.value,
                        feedback: resolve.elements.feedback.value}, resolve, errorNode, buttons);
    });
    D.scriptReady(resolve);
  }

  var triage = document.getElementById("triage-form");
  if (triage) {
    triage.addEventListener("submit", function (event) {
      event.preventDefault();
      send("/triage", {severity: triage.elements.severity.value, category: triage.elements.category.value,
                       assignee: triage.elements.assignee.value || null}, triage,
           document.getElementById("triage-error"), [triage.querySelector("button")]);
    });
    D.scriptReady(triage);
  }
})(window);
