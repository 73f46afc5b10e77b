// "Register a complaint" on an order or customer page: POST /api/v1/complaints (channel back_office) with the
// page's order and buyer, then open the new complaint. Self-contained (the order page may load no API helper) but
// for LiveDesk.scriptReady (static/common/dom.js, which both host pages load).
(function () {
  "use strict";
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");

  function register(form) {
    var body = {channel: "back_office", category: form.elements.category.value, text: form.elements.text.value};
    if (form.elements.severity.value) { body.severity = form.elements.severity.value; }
    if (form.dataset.orderId) { body.order_id = form.dataset.orderId; }
    if (form.dataset.buyerId) { body.buyer_id = form.dataset.buyerId; }
    var error = form.querySelector(".form-error"), fieldError = form.querySelector('.field-error[data-field="text"]');
    var button = form.querySelector('button[type="submit"]');
    error.textContent = fieldError.textContent = "";
    form.elements.text.removeAttribute("aria-invalid");
    button.disabled = true;
    fetch("/api/v1/complaints", {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
                                 headers: {"Content-Type": "application/json", "Accept": "application/json",
                                           "X-CSRFToken": csrf}})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) {
            window.location.assign("/complaints/" + encodeURIComponent(data.complaint_id));
            return;
          }
          button.disabled = false;
          var e = data.error || {};
          if (e.field === "text") {
            fieldError.textContent = e.message;
            form.elements.text.setAttribute("aria-invalid", "true");
          } else {
            error.textContent = e.message || error.dataset.failed;
          }
        });
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
    window.LiveDesk.scriptReady(form);
  });
})();
