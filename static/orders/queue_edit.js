// Audit queue: the edit / fix form under a row (key e, or "Edit or fix" in the ⋯ menu). It corrects the buyer's
// fields and each line's SKU (variant) or quantity in one PATCH /api/v1/orders/<id>, which re-audits the order;
// only what changed is sent, and a refused field shows the API's error next to it, naming the field by its label
// ("Line 1: SKU"). The SKU fields offer the variants of the line's product (GET /api/v1/products/<sku>), unless the
// order's findings say the SKU names no product (nothing to look up).
(function () {
  "use strict";
  var B = window.Backoffice, D = window.LiveDesk, Q = window.AuditQueue, S = Q.strings;
  var tbody = Q.tbody;
  var forms = 0;
  var NO_PRODUCT = ["sku_missing", "sku_unknown"];

  function orderPath(orderId) { return "/api/v1/orders/" + encodeURIComponent(orderId); }

  function close(form) {
    var row = form.closest("tr");
    var orderId = row.dataset.editFor;
    row.remove();
    Q.setBusy(false);
    Q.select(orderId, true);
  }

  function changedBuyer(form, buyer) {
    var changes = {}, address = {}, current = buyer || {}, currentAddress = current.address || {};
    form.querySelectorAll("input[data-path]").forEach(function (input) {
      var path = input.dataset.path, value = input.value.trim();
      var old = path.indexOf("address.") === 0 ? currentAddress[path.slice(8)] : current[path];
      if (value === (old || "")) { return; }
      if (path.indexOf("address.") === 0) { address[path.slice(8)] = value; } else { changes[path] = value; }
    });
    if (Object.keys(address).length) { changes.address = address; }
    return changes;
  }

  // One edit per line by position ({} keeps a line), or null when no line changed. A quantity that reads as a
  // number ("-1", "+3") is sent as one, so the API answers with its range rather than "must be an integer".
  function changedItems(form, items) {
    var changed = false;
    var edits = Array.prototype.map.call(form.querySelectorAll(".fix-line"), function (line, index) {
      var edit = {}, sku = line.querySelector("input[name=sku]").value.trim();
      var qty = line.querySelector("input[name=qty]").value.trim();
      if (sku !== items[index].sku) { edit.sku = sku; }
      if (qty !== String(items[index].qty)) { edit.qty = B.numberOrText(qty); }
      changed = changed || Object.keys(edit).length > 0;
      return edit;
    });
    return changed ? edits : null;
  }

  function offerVariants(input, list, sku) {
    D.send("GET", "/api/v1/products/" + encodeURIComponent(sku)).then(function (result) {
      if (!result.ok) { return; }
      (result.data.variants || []).forEach(function (variant) {
        var option = document.createElement("option");
        option.value = variant.sku;
        option.label = D.format(S.variantStock, {name: variant.name || variant.sku, n: variant.stock});
        list.appendChild(option);
      });
    }, function () { /* no suggestions offline; the field still takes any SKU */ });
  }

  // True when the order's findings say line index's SKU is missing or not in the catalogue: no product to offer
  // the variants of (a look-up would only answer 404).
  function noProduct(order, index) {
    return (order.findings || []).some(function (finding) {
      return NO_PRODUCT.indexOf(finding.code) >= 0 && finding.field === "items[" + index + "].sku";
    });
  }

  function fillLines(form, order) {
    var box = form.querySelector(".fix-lines");
    var template = document.getElementById("fix-line-template");
    if (order.paid_amount !== null && order.paid_amount !== undefined) {
      form.querySelector(".edit-items").hidden = true;  // a paid order's lines are not changed here
      return;
    }
    (order.items || []).forEach(function (item, index) {
      var line = template.content.firstElementChild.cloneNode(true);
      line.querySelector(".line-label").textContent = D.format(S.lineN, {n: index + 1});
      var sku = line.querySelector("input[name=sku]"), qty = line.querySelector("input[name=qty]");
      sku.value = item.sku;
      qty.value = item.qty;
      ["sku", "qty"].forEach(function (name) {
        // The API names the field items[i].sku; the auditor reads "Line 1: SKU".
        var slot = line.querySelector('[data-role="' + name + '"]');
        var field = D.labelText(line.querySelector("input[name=" + name + "]").closest("label"));
        slot.dataset.field = "items[" + index + "]." + name;
        slot.dataset.label = D.format(S.lineField, {n: index + 1, field: field});
      });
      var list = document.createElement("datalist");
      list.id = "variants-" + forms + "-" + index;
      sku.setAttribute("list", list.id);
      line.appendChild(list);
      if (item.sku && !noProduct(order, index)) { offerVariants(sku, list, item.sku); }
      box.appendChild(line);
    });
  }

  function open(order, row) {
    var existing = tbody.querySelector("tr.edit-row");
    if (existing) { existing.querySelector("input").focus(); return; }
    if (!row) { return; }
    forms += 1;
    var editRow = D.el("tr", null, "edit-row");
    editRow.dataset.editFor = order.order_id;
    var cell = D.el("td");
    cell.colSpan = row.cells.length;
    cell.appendChild(document.getElementById("edit-template").content.cloneNode(true));
    editRow.appendChild(cell);
    row.after(editRow);
    Q.setBusy(true);
    var form = cell.querySelector("form");
    form.setAttribute("aria-label", D.format(S.editTitle, {id: order.order_id}));
    var buyer = order.buyer || {}, address = buyer.address || {};
    form.querySelectorAll("input[data-path]").forEach(function (input) {
      var path = input.dataset.path;
      var value = path.indexOf("address.") === 0 ? address[path.slice(8)] : buyer[path];
      input.value = value || "";
    });
    fillLines(form, order);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      B.clearErrors(form);
      var changes = changedBuyer(form, buyer);
      var items = form.querySelector(".edit-items").hidden ? null : changedItems(form, order.items || []);
      if (!Object.keys(changes).length && !items) { B.showError(form, {message: S.nothingChanged}); return; }
      var body = {reason: form.elements.reason.value.trim() || null};
      if (Object.keys(changes).length) { body.buyer = changes; }
      if (items) { body.items = items; }
      D.send("PATCH", orderPath(order.order_id), body).then(function (result) {
        if (result.ok) { close(form); Q.load(); } else { B.showError(form, B.formErrorOf(result, form, S.failed)); }
      }, function () { B.showError(form, {message: S.offline}); });
    });
    form.querySelector(".cancel-edit").addEventListener("click", function () { close(form); });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); close(form); }
    });
    form.querySelector("input").focus();
  }

  window.AuditEdit = {open: open};
})();
