// Order page, auditors and admins: "Show contact" asks the API for the buyer's phone and address in full
// (POST /api/v1/orders/<id>/contact, which writes the PII access log) and shows them in place of the masked ones.
(function () {
  "use strict";
  var button = document.getElementById("show-contact");
  if (!button) { return; }
  var note = document.getElementById("contact-note");

  function fill(name, text) {
    var slot = document.querySelector('#buyer [data-contact="' + name + '"]');
    if (slot) { slot.textContent = text || "—"; }
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    var path = "/api/v1/orders/" + encodeURIComponent(button.dataset.orderId) + "/contact";
    window.LiveDesk.send("POST", path, {}).then(function (result) {
      if (!result.ok) {
        button.disabled = false;
        note.textContent = (result.data && result.data.error && result.data.error.message) || button.dataset.failed;
        return;
      }
      var buyer = result.data.buyer || {}, address = buyer.address || {};
      fill("name", buyer.name);
      fill("phone", buyer.phone);
      fill("address", ["province", "city", "district", "detail"].map(function (key) { return address[key]; })
        .filter(Boolean).join(" "));
      button.hidden = true;
      note.textContent = button.dataset.shown;
    }, function () {
      button.disabled = false;
      note.textContent = button.dataset.failed;
    });
  });
  window.LiveDesk.scriptReady(button);
})();
