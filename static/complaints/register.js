// "Register a complaint" on an order or customer page: POST /api/v1/complaints (channel back_office) with the
// page's order (or the one picked on a customer page) and buyer, then open the new complaint. Uses
// LiveDesk.scriptReady (static/common/dom.js, which both host pages load) and LiveDesk.send / errorText /
// formLabels (static/common/api.js, which the panel loads): an error names its field by the form's own label, in
// the page's language, not by the API's name ("text").
(function (global) {
  "use strict";
  var D = global.LiveDesk;

  function register(form) {
    var body = {channel: "back_office", category: form.elements.category.value, text: form.elements.text.value};
    if (form.elements.severity.value) { body.severity = form.elements.severity.value; }
    var picked = form.elements.order_id;  // the customer page's order picker ("" = no particular order)
    var orderId = (picked && picked.value) || form.dataset.orderId;
    if (orderId) { body.order_id = orderId; }
    if (form.dataset.buyerId) { body.buyer_id = form.dataset.buyerId; }
    var error = form.querySelector(".form-error"), fieldError = form.querySelector('.field-error[data-field="text"]');
    var button = form.querySelector('button[type="submit"]');
    error.textContent = fieldError.textContent = "";
    form.elements.text.removeAttribute("aria-invalid");
    button.disabled = true;
    D.send("POST", "/api/v1/complaints", body).then(function (result) {
      if (result.ok) {
        global.location.assign("/complaints/" + encodeURIComponent(result.data.complaint_id));
        return;
      }
      button.disabled = false;
      var e = (result.data && result.data.error) || {};
      var message = D.errorText(result.data, D.formLabels(form)) || error.dataset.failed;
      if (e.field === "text") {
        fieldError.textContent = message;
        form.elements.text.setAttribute("aria-invalid", "true");
        form.elements.text.focus();
      } else {
        error.textContent = message;
      }
    }, function () {
      button.disabled = false;
      error.textContent = error.dataset.failed;
    });
  }

  document.querySelectorAll("form.complaint-register").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      register(form);
    });
    D.scriptReady(form);
  });
})(window);
