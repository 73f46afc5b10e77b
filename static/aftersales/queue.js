// After-sales queue: filters apply as soon as one changes; Claim / Release call the API and change the row in
// place; changes pushed on /live (aftersale.updated, from the rooms of the broadcasts listed and the live ones)
// are announced, not drawn, so nothing moves under the reader: "Refresh the list" loads them.
(function () {
  "use strict";
  var D = window.LiveDesk, F = window.AftersalesForms;
  var config = JSON.parse(document.getElementById("aftersales-config").textContent);
  var S = config.strings;
  var root = document.getElementById("aftersales-queue");
  var filters = document.getElementById("case-filters");
  var seen = {};  // case id -> the version this page shows (or our own action produced)

  document.querySelectorAll("tr.case-row").forEach(function (row) {
    seen[row.dataset.caseId] = Number(row.dataset.version);
  });

  filters.addEventListener("change", function () { filters.requestSubmit(); });

  function claimed(row, data) {
    var mine = data.claimed_by === config.me;
    var note = row.querySelector("[data-role=claim]");
    note.textContent = mine ? S.claimedByYou : "";
    note.classList.toggle("mine", mine);
    var button = row.querySelector(".claim-button");
    button.dataset.action = mine ? "release" : "claim";
    button.textContent = mine ? S.release : S.claim;
    button.setAttribute("aria-label", D.format(mine ? S.releaseCase : S.claimCase, {id: data.case_id}));
    seen[data.case_id] = data.version;
  }

  document.querySelectorAll(".claim-button").forEach(function (button) {
    button.addEventListener("click", function () {
      var row = button.closest("tr"), slot = row.querySelector(".row-error");
      slot.textContent = "";
      button.disabled = true;
      var path = "/api/v1/aftersales/" + encodeURIComponent(row.dataset.caseId) + "/" + button.dataset.action;
      D.send("POST", path).then(function (result) {
        button.disabled = false;
        if (result.ok) { claimed(row, result.data); return; }
        slot.textContent = F.errorText(result.data && result.data.error, S, S.failed);
      }, function () {
        button.disabled = false;
        slot.textContent = S.offline;
      });
    });
    D.scriptReady(button);
  });

  function onCase(payload) {
    var c = payload && payload.case;
    if (!c || (seen[c.case_id] !== undefined && c.version <= seen[c.case_id])) { return; }
    document.getElementById("changed-note").hidden = false;
  }

  var setState = D.connectionIndicator(root, S);
  D.connectLive("/live", function () {
    var wanted = new Set(config.live || []);
    document.querySelectorAll("tr.case-row").forEach(function (row) { wanted.add(Number(row.dataset.broadcastId)); });
    return wanted;
  }, {state: setState, connect: function () { setState("connected"); }, "aftersale.updated": onCase});
})();
