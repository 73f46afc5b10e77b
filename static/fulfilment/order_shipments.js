// The order page's Shipments panel: once a parcel ships, the page reloads to show the order as it is now.
document.getElementById("order-ship-form").addEventListener("fulfilment:shipped", function () {
  window.location.reload();
});
