// The packing list's Print button (the page's print stylesheet leaves the console's chrome out).
document.getElementById("print").addEventListener("click", function () { window.print(); });
