// Moderator console settings: chat modes (shield in one click, slow mode) on the page; the term lists (add,
// remove, CSV import and export) and the policy thresholds, by group, in the "Terms and policy" drawer.
// Changes by other moderators arrive as moderation.changed.
(function () {
  "use strict";
  var M = window.Moderation, S = M.strings, D = window.LiveDesk, el = D.el;
  var policyPath = "/api/v1/broadcasts/" + M.broadcastId + "/moderation-policy";
  var termsPath = "/api/v1/moderation/terms";
  var settings = null;
  var SETTING_CONTROLS = ["shield-toggle", "open-settings", "slow-form"];

  function showSettings(body) {
    settings = body;
    var shield = body.chat_mode.shield;
    var toggle = document.getElementById("shield-toggle");
    toggle.textContent = shield ? S.turnShieldOff : S.turnShieldOn;
    toggle.setAttribute("aria-pressed", shield ? "true" : "false");
    var state = document.getElementById("shield-state");
    state.textContent = shield ? S.shieldOn : S.shieldOff;
    state.classList.toggle("on", shield);
    document.getElementById("raid-shield").hidden = shield;
    document.getElementById("console").classList.toggle("shielded", shield);
    if (shield) { document.getElementById("raid-banner").hidden = true; }
    document.getElementById("slow-seconds").value = body.chat_mode.slow_seconds;
    var form = document.getElementById("policy-form");
    Object.keys(body.policy).forEach(function (name) {
      var input = form.elements[name];
      if (!input) { return; }
      var value = body.policy[name];
      input.value = Array.isArray(value) ? value.join(", ") : value;
    });
    // Ready once the page shows the settings they change: a click before would have turned the shield on
    // whatever it was, and the drawer's policy form would have saved blank fields.
    SETTING_CONTROLS.forEach(function (id) { D.scriptReady(document.getElementById(id)); });
  }

  function loadSettings() {
    return M.send("GET", policyPath).then(function (result) {
      if (result.ok) {
        showSettings(result.data);
      } else {
        document.getElementById("modes-status").textContent = M.errorText(result);
      }
    });
  }

  function save(body, slot) {
    slot.textContent = "";
    return M.send("PUT", policyPath, body).then(function (result) {
      slot.textContent = result.ok ? S.saved : M.errorText(result);
      if (result.ok) { showSettings(result.data); }
    });
  }

  document.getElementById("shield-toggle").addEventListener("click", function () {
    var on = !(settings && settings.chat_mode.shield);
    save({chat_mode: {shield: on}}, document.getElementById("modes-status"));
  });

  document.getElementById("raid-shield").addEventListener("click", function () {
    save({chat_mode: {shield: true}}, document.getElementById("modes-status"));
  });

  var drawer = document.getElementById("settings-drawer");
  document.getElementById("open-settings").addEventListener("click", function () { drawer.showModal(); });

  document.getElementById("slow-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var seconds = Number(document.getElementById("slow-seconds").value || 0);
    save({chat_mode: {slow_seconds: seconds}}, document.getElementById("modes-status"));
  });

  document.getElementById("policy-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var policy = {};
    M.config.policyFields.forEach(function (field) {
      var input = event.target.elements[field.name];
      if (!input) { return; }
      var raw = input.value.trim();
      if (field.kind === "domains") {
        policy[field.name] = raw ? raw.split(",").map(function (d) { return d.trim(); }).filter(Boolean) : [];
      } else if (field.kind === "action") {
        policy[field.name] = raw;
      } else {
        policy[field.name] = raw === "" ? null : Number(raw);
      }
      if (policy[field.name] === null) { delete policy[field.name]; }
    });
    save({policy: policy}, document.getElementById("policy-status"));
  });

  var headers = Array.prototype.map.call(document.querySelectorAll(".terms-table th"), function (th) {
    return th.textContent.trim();
  });

  function cell(text, index, cls) {
    var td = el("td", text, cls);
    if (headers[index]) { td.dataset.label = headers[index]; }
    return td;
  }

  var removeQuestion = document.getElementById("terms");

  function termRow(term) {
    var tr = el("tr");
    tr.dataset.termId = term.id;
    tr.appendChild(cell(term.term, 0, "term"));
    tr.appendChild(cell(M.config.categoryLabels[term.category] || term.category, 1));
    tr.appendChild(cell(M.config.actionLabels[term.action] || term.action, 2));
    tr.appendChild(cell(term.broadcast_id ? S.thisBroadcast : S.global, 3, "muted small"));
    var last = el("td");
    var remove = M.button(S.remove, "small-button danger", "remove-term");
    // Asked by static/common/confirm.js before the click reaches the list's handler below.
    remove.dataset.confirm = D.format(removeQuestion.dataset.confirmQuestion, {term: term.term});
    remove.dataset.confirmDetail = removeQuestion.dataset.confirmDetail;
    last.appendChild(remove);
    tr.appendChild(last);
    return tr;
  }

  function loadTerms() {
    return M.send("GET", termsPath + "?broadcast_id=" + M.broadcastId).then(function (result) {
      if (!result.ok) { return; }
      var body = document.getElementById("terms");
      body.replaceChildren();
      result.data.terms.slice().reverse().forEach(function (term) { body.appendChild(termRow(term)); });
      document.getElementById("terms-count").textContent = result.data.terms.length;
      document.getElementById("terms-empty").hidden = result.data.terms.length > 0;
      document.querySelector(".terms-table").hidden = result.data.terms.length === 0;
    });
  }

  document.getElementById("term-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target, slot = document.getElementById("terms-status");
    var body = {term: form.elements.term.value, category: form.elements.category.value, action: form.elements.action.value};
    if (form.elements.scope.value === "broadcast") { body.broadcast_id = M.broadcastId; }
    M.send("POST", termsPath, body).then(function (result) {
      slot.textContent = result.ok ? S.saved : M.errorText(result);
      if (result.ok) { form.elements.term.value = ""; loadTerms(); }
    });
  });

  document.getElementById("terms").addEventListener("click", function (event) {
    var target = event.target.closest("button[data-action=remove-term]");
    if (!target) { return; }
    var id = target.closest("tr").dataset.termId;
    M.send("DELETE", termsPath + "/" + encodeURIComponent(id)).then(function (result) {
      document.getElementById("terms-status").textContent = result.ok ? "" : M.errorText(result);
      loadTerms();
    });
  });

  // The reason an import was refused, then that nothing was imported, as two sentences of the page's language.
  function refused(reason, input) {
    var chinese = /^zh\b/i.test(document.documentElement.lang || "");
    var stop = /[.。!！?？]$/.test(reason) ? "" : (chinese ? "。" : ".");
    return reason + stop + (chinese ? "" : " ") + input.dataset.refused;
  }

  document.getElementById("terms-import").addEventListener("change", function (event) {
    var file = event.target.files[0], slot = document.getElementById("terms-status");
    if (!file) { return; }
    file.text().then(function (text) {
      return M.send("POST", termsPath + "/import", text, "text/csv");
    }).then(function (result) {
      // An import is all or nothing: a refused file added no term, and the moderator should know it.
      slot.textContent = result.ok ? D.format(S.imported, result.data) : refused(M.errorText(result), event.target);
      event.target.value = "";
      loadTerms();
    });
  });

  window.ModerationSettings = {
    // The one-click timeout lasts the policy's repeat-offence timeout.
    timeoutSeconds: function () { return (settings && settings.policy.timeout_s) || 600; },
    changed: function (payload) {
      if (payload.what === "policy") { showSettings(payload.settings); } else { loadTerms(); }
    }
  };
  loadSettings();
  loadTerms();
})();
