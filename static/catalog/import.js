// Import page: the chosen CSV is sent as it is to POST /api/v1/products/import?dry_run=1 for a preview of each
// line, then, when no line has an error, with dry_run=0 to import all of it in one transaction.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var el = window.LiveDesk.el, format = window.LiveDesk.format, send = window.LiveDesk.send;
  var form = document.getElementById("import-form");
  var fileInput = document.getElementById("import-file");
  var applyButton = document.getElementById("apply-button");
  var errorLine = document.getElementById("import-error");
  var summaryLine = document.getElementById("import-summary");
  var table = document.getElementById("preview-table");
  var tbody = table.querySelector("tbody");


  function cell(label, value, cls) {
    var td = el("td", value, cls);
    td.setAttribute("data-label", label);
    return td;
  }

  function render(answer) {
    tbody.replaceChildren();
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent; });
    answer.rows.forEach(function (row) {
      var tr = el("tr", null, "import-" + row.action);
      tr.dataset.line = row.line;
      tr.appendChild(cell(heads[0], row.line, "num"));
      tr.appendChild(cell(heads[1], row.sku || "", "mono"));
      tr.appendChild(cell(heads[2], row.variant_sku || "", "mono"));
      var action = cell(heads[3], "");
      action.appendChild(el("span", strings[row.action] || row.action, "badge " + row.action));
      tr.appendChild(action);
      tr.appendChild(cell(heads[4], row.changes.join(", ")));
      var errors = cell(heads[5], "");
      row.errors.forEach(function (error) {
        // The message names its column itself ("stock must be …"); "line" errors are about the whole line.
        errors.appendChild(el("div", error.message, "row-error"));
      });
      tr.appendChild(errors);
      tbody.appendChild(tr);
    });
    table.hidden = false;
    summaryLine.textContent = format(strings.summary, answer.summary);
  }

  function upload(dryRun) {
    var file = fileInput.files[0];
    errorLine.textContent = "";
    if (!file) { errorLine.textContent = strings.chooseFile; return; }
    applyButton.disabled = true;
    send("POST", "/api/v1/products/import?dry_run=" + (dryRun ? "1" : "0"), file, "text/csv").then(function (result) {
      if (result.data.rows) { render(result.data); }
      if (!result.ok) {
        errorLine.textContent = (result.data.error && result.data.error.message) || strings.failed;
        return;
      }
      if (dryRun) {
        applyButton.disabled = !result.data.valid;
      } else {
        summaryLine.textContent = format(strings.imported, result.data.summary);
      }
    }, function () { errorLine.textContent = strings.offline; });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); upload(true); });
  fileInput.addEventListener("change", function () { applyButton.disabled = true; });
  applyButton.addEventListener("click", function () { upload(false); });
  window.LiveDesk.scriptReady(form);  // Preview; Import stays disabled until a preview is valid
}());
