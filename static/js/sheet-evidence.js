/* The visit's evidence on the scoring sheet: photos per indicator and the visit's position.
 *
 * Photos: the "Foto" input of an indicator opens the camera; each photo is made smaller
 * here (at most MAX_SIDE px on the long side, JPEG) and kept in the device store
 * ("photos", device-store.js) until the sheet is sent: "Kirim" copies them into the
 * outbox record, which sends them in the same request as the answers. Limits as the
 * server's (assessments/evidence.py): 3 per indicator (photos already on the server
 * count), 30 per sheet, 2 MB each. A refused photo says why and blocks nothing.
 * Position: only when the assessor presses "Catat lokasi kunjungan" and allows it;
 * without it the sheet is saved and sent as usual.
 * On a reopened sheet, "Hapus foto" under a photo already on the server marks it to be
 * taken off with the next "Kirim" (the server removes it only then); the marks are kept
 * with the answers in the device copy and free room under the limits at once.
 * scoring.js reads location(), setLocation(), attachments(), forget(), removedServerPhotos()
 * and setRemovedServerPhotos().
 */
(function () {
  "use strict";

  var form = document.getElementById("scoring-sheet");
  var configNode = document.getElementById("sheet-config");
  var device = window.BantarDevice;
  if (!form || !configNode || !device) return;
  var config = JSON.parse(configNode.textContent);
  var MAX_SIDE = 1600;
  var QUALITY = 0.8;
  var limits = config.photoLimits;
  var position = null;
  var urls = [];
  var removed = {};  // server photo id -> true: taken off with the next "Kirim"

  // --- position --------------------------------------------------------------------------

  var locationText = document.getElementById("location-text");

  function showPosition() {
    if (!position || !locationText) return;
    var at = new Date(position.at);
    locationText.textContent = "Lokasi tercatat: " + position.latitude.toFixed(6) + ", " +
      position.longitude.toFixed(6) + " (±" + Math.round(position.accuracy) + " m), pukul " +
      ("0" + at.getHours()).slice(-2) + "." + ("0" + at.getMinutes()).slice(-2) + ".";
  }

  function recordPosition() {
    if (!navigator.geolocation) {
      locationText.textContent = "Perangkat ini tidak dapat membaca lokasi. Lembar tetap " +
        "dapat disimpan dan dikirim tanpa lokasi.";
      return;
    }
    locationText.textContent = "Membaca lokasi…";
    navigator.geolocation.getCurrentPosition(function (found) {
      position = { latitude: found.coords.latitude, longitude: found.coords.longitude,
        accuracy: found.coords.accuracy, at: new Date(found.timestamp || Date.now()).toISOString() };
      showPosition();
      form.dispatchEvent(new Event("change"));  // scoring.js keeps it with the answers
    }, function (error) {
      locationText.textContent = error.code === 1 ?
        "Izin lokasi ditolak. Lembar tetap dapat disimpan dan dikirim tanpa lokasi." :
        "Lokasi belum dapat dibaca. Coba lagi di tempat terbuka, atau kirim tanpa lokasi.";
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  var locationButton = document.getElementById("record-location");
  if (locationButton) locationButton.addEventListener("click", recordPosition);

  // --- photos ----------------------------------------------------------------------------

  function boxOf(indicator) {
    return form.querySelector('[data-indicator="' + indicator + '"]');
  }

  function say(box, text) {
    box.querySelector("[data-photo-message]").textContent = text || "";
  }

  function shrink(file) {
    return window.createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve({ blob: blob, width: canvas.width, height: canvas.height });
        }, "image/jpeg", QUALITY);
      });
    });
  }

  function render() {
    urls.forEach(function (url) { URL.revokeObjectURL(url); });
    urls = [];
    return device.photosOf(config.user, config.proposal).then(function (photos) {
      form.querySelectorAll("[data-device-photos]").forEach(function (list) { list.textContent = ""; });
      photos.sort(function (a, b) { return a.id < b.id ? -1 : 1; }).forEach(function (photo) {
        var box = boxOf(photo.indicator);
        if (!box) return;
        var url = URL.createObjectURL(photo.blob);
        urls.push(url);
        var item = document.createElement("li");
        item.className = "evidence-item";
        var img = document.createElement("img");
        img.className = "evidence-thumb";
        img.src = url;
        img.alt = "Foto " + photo.code + " di perangkat";
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-outline-danger btn-sm d-block mt-1";
        remove.textContent = "Hapus foto";
        remove.disabled = form.classList.contains("is-queued") || !config.editable;
        remove.addEventListener("click", function () {
          device.removePhoto(photo.id).then(render);
        });
        item.appendChild(img);
        item.appendChild(remove);
        box.querySelector("[data-device-photos]").appendChild(item);
      });
      return photos;
    });
  }

  function add(input) {
    var box = input.closest("[data-indicator]");
    var indicator = parseInt(box.dataset.indicator, 10);
    var code = box.dataset.code;
    var file = input.files && input.files[0];
    input.value = "";
    if (!file) return;
    say(box, "Memproses foto…");
    device.photosOf(config.user, config.proposal).then(function (photos) {
      var here = photos.filter(function (p) { return p.indicator === indicator; }).length +
        serverPhotosLeft(indicator);
      var all = photos.length + Object.keys(config.serverPhotos).reduce(function (n, k) {
        return n + serverPhotosLeft(parseInt(k, 10));
      }, 0);
      if (here >= limits.perIndicator) {
        throw new Error("Paling banyak " + limits.perIndicator + " foto untuk indikator " + code +
          ". Hapus salah satu foto dulu bila ingin menggantinya.");
      }
      if (all >= limits.perSheet) {
        throw new Error("Paling banyak " + limits.perSheet + " foto untuk satu lembar. Hapus " +
          "foto lain dulu.");
      }
      return shrink(file).catch(function () {
        throw new Error("Berkas ini bukan foto yang dapat dibaca. Ambil foto lagi dengan kamera.");
      });
    }).then(function (small) {
      if (!small.blob || small.blob.size > limits.bytes) {
        throw new Error("Foto ini masih lebih besar dari " + Math.round(limits.bytes / 1048576) +
          " MB setelah diperkecil. Ambil foto lagi dengan jarak lebih dekat.");
      }
      return device.put("photos", { id: Date.now() + "-" + Math.random().toString(36).slice(2),
        user: config.user, proposal: config.proposal, indicator: indicator, code: code,
        blob: small.blob, width: small.width, height: small.height,
        takenAt: new Date(file.lastModified || Date.now()).toISOString() });
    }).then(function () {
      say(box, "Foto tersimpan di perangkat; ikut terkirim saat Kirim.");
      return render();
    }, function (error) {
      say(box, error && error.message && error.message.indexOf(" ") > 0 ? error.message :
        "Foto tidak dapat disimpan di perangkat ini. Coba lagi.");
    });
  }

  // --- photos already on the server (a reopened sheet) -----------------------------------

  function serverPhotosLeft(indicator) {
    var box = boxOf(indicator);
    var gone = box ? Array.prototype.filter.call(box.querySelectorAll("[data-server-photo]"),
      function (item) { return removed[item.dataset.serverPhoto]; }).length : 0;
    return (config.serverPhotos[indicator] || 0) - gone;
  }

  function showRemoved() {
    form.querySelectorAll("[data-server-photo]").forEach(function (item) {
      var gone = !!removed[item.dataset.serverPhoto];
      item.classList.toggle("opacity-50", gone);
      item.querySelector("[data-removed-note]").hidden = !gone;
      item.querySelector("[data-remove-server-photo]").textContent = gone ? "Batalkan hapus" : "Hapus foto";
    });
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-remove-server-photo]");
    if (!button) return;
    var id = button.closest("[data-server-photo]").dataset.serverPhoto;
    if (removed[id]) delete removed[id]; else removed[id] = true;
    showRemoved();
    form.dispatchEvent(new Event("change"));  // scoring.js keeps the marks with the answers
  });

  // The input itself stays hidden: the "Foto" button opens the camera through it.
  form.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-photo-button]");
    if (button) button.parentNode.querySelector("[data-photo-input]").click();
  });

  form.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-photo-input]")) {
      event.stopImmediatePropagation();  // not an answer: scoring.js need not save a copy
      add(event.target);
    }
  }, true);

  device.ready().then(render).catch(function () { /* thumbnails only; photos stay */ });

  window.BantarEvidence = {
    location: function () { return position; },
    setLocation: function (value) { position = value || null; showPosition(); },
    attachments: function () {
      return device.photosOf(config.user, config.proposal).then(function (photos) {
        return photos.map(function (p) {
          return { indicator: p.indicator, code: p.code, takenAt: p.takenAt, blob: p.blob };
        });
      });
    },
    forget: function () { return device.removePhotos(config.user, config.proposal); },
    removedServerPhotos: function () {
      return Object.keys(removed).map(function (id) { return parseInt(id, 10); })
        .sort(function (a, b) { return a - b; });
    },
    setRemovedServerPhotos: function (ids) {
      removed = {};
      (ids || []).forEach(function (id) {
        // Only photos this page still shows: one removed meanwhile is simply gone.
        if (form.querySelector('[data-server-photo="' + id + '"]')) removed[id] = true;
      });
      showRemoved();
    },
    render: render
  };
})();
