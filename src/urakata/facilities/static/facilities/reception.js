// Reception kiosk: read a visitor's QR code with the camera or from an image, then check in.
// Decoding is done here by the vendored jsQR (offline); the server checks the code.
(function () {
  "use strict";
  var form = document.getElementById("check-in-form");
  var input = document.getElementById("code");
  var status = document.getElementById("scan-status");
  var video = document.getElementById("scan-video");
  var canvas = document.getElementById("scan-canvas");
  var fileInput = document.getElementById("qr-file");
  var startButton = document.getElementById("scan-start");
  if (!form || !input || typeof jsQR !== "function") { return; }

  function decode(source, width, height) {
    canvas.width = width;
    canvas.height = height;
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(source, 0, 0, width, height);
    var image = context.getImageData(0, 0, width, height);
    return jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
  }

  function found(text) {
    input.value = text;
    status.textContent = text;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  if (fileInput) {
    fileInput.addEventListener("change", function () {
      var file = fileInput.files && fileInput.files[0];
      if (!file) { return; }
      // A data: URL, not a blob: one: the Content-Security-Policy allows `img-src 'self' data:`.
      var reader = new FileReader();
      reader.onload = function () {
        var image = new Image();
        image.onload = function () {
          var result = decode(image, image.naturalWidth, image.naturalHeight);
          if (result && result.data) { found(result.data); }
          else { status.textContent = status.dataset.none || "QR code not found"; }
        };
        image.src = String(reader.result);
      };
      reader.readAsDataURL(file);
    });
  }

  if (startButton && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    startButton.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        function tick() {
          if (video.readyState === video.HAVE_ENOUGH_DATA) {
            var result = decode(video, video.videoWidth, video.videoHeight);
            if (result && result.data) {
              stream.getTracks().forEach(function (track) { track.stop(); });
              found(result.data);
              return;
            }
          }
          window.requestAnimationFrame(tick);
        }
        window.requestAnimationFrame(tick);
      }).catch(function (error) { status.textContent = String(error); });
    });
  }
})();
