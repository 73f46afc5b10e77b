// Audit policy page: saves the thresholds with PUT, adds and removes blocklist entries; errors beside their field.
(function () {
  "use strict";
  var B = window.Backoffice, D = window.LiveDesk;
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var broadcastId = document.getElementById("policy-page").dataset.broadcastId;
  var policyForm = document.getElementById("policy-form");
  var blockForm = document.getElementById("blocklist-form");
  var blockBody = document.querySelector("#blocklist tbody");
  var blockError = document.getElementById("blocklist-error");

  // Blank means "no limit" (null); numbers that do not parse go as typed so the API names the field.
  function policyBody() {
    var body = {};
    Array.prototype.forEach.call(policyForm.elements, function (field) {
      if (!field.name) { return; }
      var raw = field.value.trim();
      if (field.dataset.type === "int") {
        body[field.name] = raw === "" ? null : (/^-?\d+$/.test(raw) ? parseInt(raw, 10) : raw);
      } else {
        body[field.name] = raw;
      }
    });
    return body;
  }

  policyForm.addEventListener("submit", function (event) {
    event.preventDefault();
    B.clearErrors(policyForm);
    var saved = document.getElementById("policy-saved");
    saved.textContent = "";
    D.send("PUT", "/api/v1/broadcasts/" + broadcastId + "/audit-policy", policyBody()).then(function (result) {
      if (result.ok) { saved.textContent = strings.saved; } else { B.showError(policyForm, B.errorOf(result, strings.failed)); }
    }, function () { B.showError(policyForm, {message: strings.offline}); });
  });

  function entryRow(entry) {
    var tr = D.el("tr");
    tr.dataset.entryId = entry.id;
    tr.appendChild(D.el("td", strings.kinds[entry.kind] || entry.kind));
    tr.appendChild(D.el("td", entry.value, "mono"));
    tr.appendChild(D.el("td", entry.reason || ""));
    var cell = D.el("td");
    var remove = D.el("button", strings.remove, "small-button remove");
    remove.type = "button";
    remove.dataset.entryId = entry.id;
    cell.appendChild(remove);
    tr.appendChild(cell);
    return tr;
  }

  function reloadBlocklist() {
    return D.send("GET", "/api/v1/blocklist").then(function (result) {
      if (!result.ok) { blockError.textContent = B.errorOf(result, strings.failed).message; return; }
      blockBody.replaceChildren.apply(blockBody, result.data.entries.map(entryRow));
    }, function () { blockError.textContent = strings.offline; });
  }

  blockForm.addEventListener("submit", function (event) {
    event.preventDefault();
    B.clearErrors(blockForm);
    var body = {kind: blockForm.elements.kind.value, value: blockForm.elements.value.value.trim(),
                reason: blockForm.elements.reason.value.trim() || null};
    D.send("POST", "/api/v1/blocklist", body).then(function (result) {
      if (!result.ok) { B.showError(blockForm, B.errorOf(result, strings.failed)); return; }
      blockForm.reset();
      reloadBlocklist();
    }, function () { B.showError(blockForm, {message: strings.offline}); });
  });

  blockBody.addEventListener("click", function (event) {
    var button = event.target.closest("button.remove");
    if (!button) { return; }
    var value = button.closest("tr").querySelector(".mono").textContent;
    D.confirm(D.format(blockBody.dataset.confirmQuestion, {value: value}),
              {detail: blockBody.dataset.confirmDetail, button: button.textContent}).then(function (confirmed) {
      if (confirmed) { removeEntry(button); }
    });
  });

  function removeEntry(button) {
    blockError.textContent = "";
    D.send("DELETE", "/api/v1/blocklist/" + encodeURIComponent(button.dataset.entryId)).then(function (result) {
      if (result.ok) { reloadBlocklist(); } else { blockError.textContent = B.errorOf(result, strings.failed).message; }
    }, function () { blockError.textContent = strings.offline; });
  }
  D.scriptReady(document.getElementById("policy-page"));  // both forms and the Remove buttons
})();
