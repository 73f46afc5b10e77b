// Offers page: issue a coupon to a segment or tier through POST /api/v1/offers; errors shown under their field.
(function () {
  "use strict";
  var D = window.LiveDesk;
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var form = document.getElementById("offer-form");
  if (!form) { return; }
  var COUPON = ["value", "min_spend", "max_discount", "starts_at", "ends_at"];

  function body() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "coupon_type") { return; }
      var raw = field.value.trim();
      if (raw === "") { return; }
      if (field.dataset.type === "datetime") {
        var when = new Date(raw);  // datetime-local is the viewer's zone; the API wants a zone
        raw = isNaN(when) ? raw : when.toISOString();
      }
      data[field.name] = raw;
    });
    // The type belongs to a new coupon only: an existing code is issued as it is.
    if (COUPON.some(function (name) { return data[name] !== undefined; })) {
      data.coupon_type = form.elements.coupon_type.value;
    }
    return data;
  }

  function showErrors(data) {
    var errors = data.errors || (data.error ? [data.error] : []);
    if (!errors.length) { form.querySelector(".form-error").textContent = strings.failed; return; }
    errors.forEach(function (error) {
      var root = String(error.field || "").split(/[.\[]/)[0];
      var slot = root && form.querySelector('.field-error[data-field="' + CSS.escape(root) + '"]');
      (slot || form.querySelector(".form-error")).textContent = error.message;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    form.querySelectorAll(".field-error, .form-error").forEach(function (node) { node.textContent = ""; });
    var button = document.getElementById("offer-submit");
    button.disabled = true;
    D.send("POST", "/api/v1/offers", body()).then(function (result) {
      button.disabled = false;
      if (!result.ok) { showErrors(result.data); return; }
      form.querySelector(".form-error").textContent = D.format(strings.issued, {granted: result.data.granted});
      window.location.reload();
    }, function () { button.disabled = false; form.querySelector(".form-error").textContent = strings.offline; });
  });
  D.scriptReady(form);
}());
