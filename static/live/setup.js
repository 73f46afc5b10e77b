// A broadcast's set-up page: the line-up (GET /api/v1/broadcasts/<id>/products) drawn as rows with their link
// number and live price, moved, saved and removed through the line-up API; products found by name or SKU and
// added; title and planned start saved; start and end after a confirmation. API errors read with the form's own
// labels and times in the viewer's zone; a row's refusal or "Saved." shows at that row, under the field it names.
// Text from the API and the catalogue is set with textContent only.
(function () {
  "use strict";
  var el = window.LiveDesk.el, format = window.LiveDesk.format, send = window.LiveDesk.send;
  var money = window.LiveDesk.money;
  var root = document.getElementById("setup");
  var broadcastId = root.dataset.broadcastId;
  var canManage = root.dataset.canManage === "true";
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var base = "/api/v1/broadcasts/" + broadcastId;
  var body = document.getElementById("lineup");
  var inLineup = new Set();
  var headers = Array.prototype.map.call(document.querySelectorAll("#lineup-table thead th"),
                                         function (th) { return th.textContent; });

  // The API's message with the form's labels for field names and times in the viewer's zone.
  function message(result) {
    return window.LiveDesk.errorText(result.data, strings.fieldLabels) || strings.failed;
  }

  function setError(id, text) { document.getElementById(id).textContent = text || ""; }

  function cell(content, label, cls) {
    var td = typeof content === "string" || typeof content === "number" ? el("td", content, cls) : el("td", null, cls);
    if (content instanceof Node) { td.appendChild(content); }
    if (label) { td.dataset.label = label; }
    return td;
  }

  function button(text, cls, onClick) {
    var b = el("button", text, cls);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // A row's input with its error slot under it; the slot names the field by its label (strings.fieldLabels: "Link
  // number", not link_no) and describes the input, so a screen reader reads the reason with the field.
  function input(value, name, mode, id) {
    var field = el("input"), slot = el("div", null, "field-error");
    field.name = name;
    field.value = value === null || value === undefined ? "" : value;
    field.inputMode = mode;
    field.setAttribute("aria-label", name === "link_no" ? headers[1] : headers[5]);
    slot.id = id + "-" + name + "-error";
    slot.dataset.field = name;
    slot.dataset.label = strings.fieldLabels[name];
    slot.setAttribute("aria-live", "polite");
    field.setAttribute("aria-describedby", slot.id);
    var both = document.createDocumentFragment();
    both.appendChild(field);
    both.appendChild(slot);
    return both;
  }

  // A row's fields show what is saved: after a refusal (a link number in use, a bad price) or when offline they
  // get the saved values back, so two rows never show the same link number; the error says what was refused.
  function showSaved(tr, product) {
    var link = tr.querySelector('input[name="link_no"]'), price = tr.querySelector('input[name="live_price"]');
    if (link) { link.value = product.link_no === null || product.link_no === undefined ? "" : product.link_no; }
    if (price) { price.value = product.live_price === null || product.live_price === undefined ? "" : product.live_price; }
  }

  function rowOf(sku) { return body.querySelector('tr[data-sku="' + CSS.escape(sku) + '"]'); }

  // Empties a row's messages before its next change, and any "Saved." of an earlier one, now stale.
  function clearRow(tr) {
    body.querySelectorAll(".row-note.muted").forEach(function (n) { n.textContent = ""; });
    tr.querySelectorAll(".field-error, .row-note").forEach(function (n) { n.textContent = ""; });
    tr.querySelectorAll("[aria-invalid]").forEach(function (n) { n.removeAttribute("aria-invalid"); });
  }

  // What became of a row's change, told at that row (a phone shows one row at a time): a refusal under the field it
  // names, which takes the focus, else under the row's buttons; "Saved." there too. The message stays in view.
  function tell(tr, text, field, saved) {
    var input = field && tr.querySelector('input[name="' + CSS.escape(field) + '"]');
    var place = input ? input.nextElementSibling : tr.querySelector(".row-note");
    if (!input) { place.className = "row-note " + (saved ? "muted" : "form-error"); }
    place.textContent = text;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
      input.select();
    } else if (!tr.contains(document.activeElement)) {  // the row was drawn anew: back to its Save
      tr.querySelector("button.save").focus({preventScroll: true});
    }
    place.scrollIntoView({block: "nearest"});
  }

  // A refused change puts the saved values back (showSaved) and says why at the row; an accepted one redraws the
  // line-up, and a Save (saved: true) says "Saved." at its row, drawn anew.
  function change(product, changes, tr, saved) {
    setError("lineup-error");
    clearRow(tr);
    return send("PATCH", base + "/products/" + encodeURIComponent(product.sku), changes).then(function (result) {
      if (result.ok) {
        return load().then(function () {
          var row = saved && rowOf(product.sku);
          if (row) { tell(row, strings.saved, null, true); }
        });
      }
      showSaved(tr, product);
      tell(tr, message(result), (result.data.error || {}).field);
    }, function () { showSaved(tr, product); tell(tr, strings.offline); });
  }

  // A whole number as typed, sign and spaces included ("-1", "+3", " 4 "), goes as a JSON number, so the API
  // answers with its range; anything else goes as the text it is, which the API refuses as not a number.
  function numberOrText(raw) {
    var text = raw.trim(), number = Number(text);
    return /^[+-]?\d+$/.test(text) && isFinite(number) ? number : text;
  }

  function row(product, count) {
    var tr = el("tr");
    tr.dataset.sku = product.sku;
    var id = "lineup-" + product.position;
    tr.appendChild(cell(product.position, headers[0], "num position"));
    var link = canManage ? input(product.link_no, "link_no", "numeric", id) : format(strings.link, {n: product.link_no});
    tr.appendChild(cell(link, headers[1], "link"));
    var name = el("span", product.name);
    if (product.pinned) { name.appendChild(el("span", " " + strings.pinned, "badge live")); }
    tr.appendChild(cell(name, headers[2], "product"));
    tr.appendChild(cell(product.sku, headers[3], "mono"));
    tr.appendChild(cell(money(product.price), headers[4], "num"));
    var price = canManage ? input(product.live_price, "live_price", "decimal", id) : money(product.live_price);
    tr.appendChild(cell(price, headers[5], "live-price"));
    if (canManage) {
      var actions = el("td", null, "row-actions");
      var up = button("↑", "neutral move-up", function () { change(product, {position: product.position - 1}, tr); });
      var down = button("↓", "neutral move-down", function () { change(product, {position: product.position + 1}, tr); });
      up.setAttribute("aria-label", strings.up);
      down.setAttribute("aria-label", strings.down);
      up.disabled = product.position === 1;
      down.disabled = product.position === count;
      actions.appendChild(up);
      actions.appendChild(down);
      actions.appendChild(button(strings.save, "primary save", function () {
        var rawLink = tr.querySelector('input[name="link_no"]').value.trim();
        var rawPrice = tr.querySelector('input[name="live_price"]').value.trim();
        change(product, {link_no: numberOrText(rawLink), live_price: rawPrice === "" ? null : rawPrice}, tr, true);
      }));
      actions.appendChild(button(strings.remove, "danger remove", function () {
        window.LiveDesk.confirm(format(strings.confirmRemove, {name: product.name}), {button: strings.remove})
          .then(function (confirmed) { if (confirmed) { removeProduct(product, tr); } });
      }));
      var note = el("div", null, "row-note");
      note.setAttribute("aria-live", "polite");
      actions.appendChild(note);
      tr.appendChild(actions);
    }
    return tr;
  }

  function removeProduct(product, tr) {
    setError("lineup-error");
    clearRow(tr);
    send("DELETE", base + "/products/" + encodeURIComponent(product.sku)).then(function (result) {
      if (result.ok) { load(); } else { tell(tr, message(result)); }
    }, function () { tell(tr, strings.offline); });
  }

  function load() {
    return fetch(base + "/products", {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var products = data.products || [];
        body.replaceChildren();
        inLineup = new Set(products.map(function (p) { return p.sku; }));
        products.forEach(function (p) { body.appendChild(row(p, products.length)); });
        document.getElementById("lineup-empty").hidden = products.length > 0;
        root.dataset.loaded = String(products.length);
        search();
      }, function () { setError("lineup-error", strings.offline); });
  }

  // Finding products: GET /api/v1/products (with ?q= for a server that filters), matched here on name or SKU, the
  // product's or a variant's (TSHIRT-01-M finds TSHIRT-01) as the API does, so the page works either way.
  var searchBox = document.getElementById("product-search");
  var results = document.getElementById("search-results");
  var searchTimer = null, searchSerial = 0;

  function matches(product, term) {
    var t = term.toLowerCase();
    return [product].concat(product.variants || []).some(function (p) {
      return String(p.sku).toLowerCase().indexOf(t) >= 0 || String(p.name || "").toLowerCase().indexOf(t) >= 0;
    });
  }

  function addProduct(product) {
    setError("add-error");
    var payload = {sku: product.sku};
    var price = document.getElementById("add-price").value.trim();
    var link = document.getElementById("add-link").value.trim();
    if (price) { payload.live_price = price; }
    if (link) { payload.link_no = numberOrText(link); }
    send("POST", base + "/products", payload).then(function (result) {
      if (!result.ok) { setError("add-error", product.sku + ": " + message(result)); return; }
      document.getElementById("add-price").value = "";
      document.getElementById("add-link").value = "";
      load();
    }, function () { setError("add-error", strings.offline); });
  }

  function showResults(products, term) {
    results.replaceChildren();
    var found = products.filter(function (p) { return matches(p, term); }).slice(0, 20);
    if (!found.length) { results.appendChild(el("li", strings.noMatch, "muted")); return; }
    found.forEach(function (product) {
      var li = el("li");
      li.dataset.sku = product.sku;
      var what = el("span");
      what.appendChild(el("strong", product.name + " "));
      what.appendChild(el("span", product.sku + " · " + money(product.price), "muted mono"));
      li.appendChild(what);
      if (inLineup.has(product.sku)) {
        li.appendChild(el("span", strings.inLineup, "muted small"));
      } else {
        li.appendChild(button(strings.add, "primary add", function () { addProduct(product); }));
      }
      results.appendChild(li);
    });
  }

  function search() {
    if (!searchBox) { return; }
    var term = searchBox.value.trim();
    if (!term) { results.replaceChildren(); return; }
    var serial = ++searchSerial;
    fetch("/api/v1/products?q=" + encodeURIComponent(term), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) { if (serial === searchSerial) { showResults(data.products || [], term); } },
            function () { setError("add-error", strings.offline); });
  }

  if (searchBox) {
    searchBox.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(search, 200);
    });
  }

  // Title and planned start; the planned start is typed in the viewer's zone and sent as an instant.
  var details = document.getElementById("details");
  if (details) {
    var planned = details.elements.planned_start_at;
    if (planned && planned.dataset.value) {
      var at = new Date(planned.dataset.value);
      var local = new Date(at.getTime() - at.getTimezoneOffset() * 60000);
      planned.value = local.toISOString().slice(0, 16);
    }
    details.addEventListener("submit", function (event) {
      event.preventDefault();
      details.querySelectorAll(".field-error, .form-error").forEach(function (n) { n.textContent = ""; });
      var payload = {title: details.elements.title.value};
      if (planned) {
        var when = planned.value ? new Date(planned.value) : null;
        payload.planned_start_at = when === null ? null : (isNaN(when) ? planned.value : when.toISOString());
      }
      send("PATCH", base, payload).then(function (result) {
        if (result.ok) {
          document.getElementById("broadcast-title").textContent = result.data.title;
          details.querySelector(".form-error").textContent = strings.saved;
          return;
        }
        var error = result.data.error || {};
        var slot = details.querySelector('.field-error[data-field="' + CSS.escape(error.field || "") + '"]');
        (slot || details.querySelector(".form-error")).textContent = message(result);
      }, function () { details.querySelector(".form-error").textContent = strings.offline; });
    });
    window.LiveDesk.scriptReady(details);
  }

  // Start and end: both ask first (static/common/confirm.js); the page reloads to show the new state and buttons.
  [["start-broadcast", "start", strings.confirmStart, "approve"], ["end-broadcast", "end", strings.confirmEnd, "danger"]].forEach(function (b) {
    var node = document.getElementById(b[0]);
    if (!node) { return; }
    node.addEventListener("click", function () {
      window.LiveDesk.confirm(b[2], {button: node.textContent.trim(), tone: b[3]}).then(function (confirmed) {
        if (confirmed) { changeState(b[1]); }
      });
    });
    window.LiveDesk.scriptReady(node);
  });

  function changeState(step) {
    setError("state-error");
    send("POST", base + "/" + step, {}).then(function (result) {
      if (result.ok) { window.location.reload(); } else { setError("state-error", message(result)); }
    }, function () { setError("state-error", strings.offline); });
  }

  load();
}());
