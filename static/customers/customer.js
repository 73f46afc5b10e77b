// Customer list and record pages: recalculate, tags, erasure. Every text from the API is shown with textContent.
(function () {
  "use strict";
  var D = window.LiveDesk;
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var record = document.getElementById("customer");
  var status = document.getElementById("customer-status");
  var buyerId = record ? record.dataset.buyerId : null;
  var platform = record ? record.dataset.platform : null;

  function errorText(result) {
    return (result.data && result.data.error && result.data.error.message) || strings.failed;
  }
  function say(text) { if (status) { status.textContent = text; } }
  function customerPath(suffix) {
    return "/api/v1/customers/" + encodeURIComponent(buyerId) + suffix + "?platform=" + encodeURIComponent(platform);
  }

  var recalc = document.getElementById("recalculate");
  if (recalc) {
    recalc.addEventListener("click", function () {
      recalc.disabled = true;
      say(strings.recalculating);
      var body = buyerId ? {buyer_id: buyerId, platform: platform} : {};
      D.send("POST", "/api/v1/customers/recalculate", body).then(function (result) {
        if (!result.ok) { recalc.disabled = false; say(errorText(result)); return; }
        say(D.format(strings.recalculated, {customers: result.data.customers, changes: result.data.tier_changes}));
        window.location.reload();
      }, function () { recalc.disabled = false; say(strings.offline); });
    });
    D.scriptReady(recalc);
  }

  var tagsForm = document.getElementById("tags-form");
  if (tagsForm) {
    tagsForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = tagsForm.querySelector(".form-error");
      var saved = document.getElementById("tags-saved");
      error.textContent = "";
      saved.textContent = "";
      var tags = tagsForm.elements.tags.value.split(/[,，]/).map(function (t) { return t.trim(); }).filter(Boolean);
      D.send("POST", customerPath("/tags"), {tags: tags}).then(function (result) {
        if (!result.ok) {
          // tags[1] is the second tag sent: named by the tag itself, as the agent typed it.
          var field = result.data && result.data.error && result.data.error.field;
          var item = field && /^tags\[(\d+)\]$/.exec(field), labels = {};
          if (item && tags[Number(item[1])] !== undefined) { labels[field] = "\u201c" + tags[Number(item[1])] + "\u201d"; }
          error.textContent = D.errorText(result.data, labels) || strings.failed;
          tagsForm.elements.tags.setAttribute("aria-invalid", "true");
          tagsForm.elements.tags.focus();
          return;
        }
        tagsForm.elements.tags.removeAttribute("aria-invalid");
        var list = document.getElementById("tags");
        list.textContent = "";
        result.data.tags.forEach(function (tag) { list.appendChild(D.el("li", tag, "badge neutral")); });
        tagsForm.elements.tags.value = result.data.tags.join(", ");
        saved.textContent = strings.saved;
      }, function () { error.textContent = strings.offline; });
    });
    D.scriptReady(tagsForm);
  }

  var dialog = document.getElementById("erase-dialog");
  var opener = document.getElementById("erase-open");
  if (dialog && opener) {
    var form = document.getElementById("erase-form");
    var error = form.querySelector(".form-error");
    opener.addEventListener("click", function () {
      form.reset();
      error.textContent = "";
      dialog.showModal();
    });
    document.getElementById("erase-cancel").addEventListener("click", function () { dialog.close(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var typed = form.elements.confirm.value.trim();
      if (typed !== buyerId) { error.textContent = strings.mismatch; form.elements.confirm.focus(); return; }
      var button = document.getElementById("erase-confirm");
      button.disabled = true;
      var body = {confirm: typed};
      if (form.elements.reason.value.trim()) { body.reason = form.elements.reason.value.trim(); }
      D.send("POST", customerPath("/erase"), body).then(function (result) {
        button.disabled = false;
        if (!result.ok) { error.textContent = errorText(result); return; }
        dialog.close();
        say(D.format(strings.erased, {orders: result.data.erased.orders}));
        window.location.reload();
      }, function () { button.disabled = false; error.textContent = strings.offline; });
    });
    D.scriptReady(opener);
  }
}());
