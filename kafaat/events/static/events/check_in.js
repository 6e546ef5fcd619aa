// Scanning badges with the phone's camera where the browser can read QR codes (BarcodeDetector); the typed
// code always works. A read code is put in the form and submitted: the server decides, as for a typed one.
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var section = document.getElementById("scanner");
  var video = document.getElementById("scan-video");
  var form = document.getElementById("check-in-form");
  var input = document.getElementById("id_code");
  var last = "", lastAt = 0;
  section.hidden = false;
  document.getElementById("scan-start").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      var tick = function () {
        detector.detect(video).then(function (codes) {
          var now = Date.now();
          if (codes.length && (codes[0].rawValue !== last || now - lastAt > 3000)) {
            last = codes[0].rawValue; lastAt = now;
            input.value = last;
            form.requestSubmit();
          }
        }).finally(function () { window.setTimeout(tick, 300); });
      };
      tick();
    });
  });
})();
