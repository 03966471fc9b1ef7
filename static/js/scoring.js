/* Tablet scoring sheet: live subtotals, a device copy of unsaved answers, JSON saves.
 *
 * Every change is written at once to the device store (IndexedDB, device-store.js, one
 * copy per user and proposal), so a reload, a restart or a lost connection loses nothing.
 * The copy is dropped only when the server answers a save with ok and echoes the token of
 * the sheet version that was saved, and nothing was typed while the save was on its way.
 * "Kirim" puts the sheet in the outbox (assessor-app.js) and the form is locked while it
 * waits there: with no signal it goes by itself when the connection returns. The token names the sheet version on
 * the server: repeating a save (retry, double tap) is recognised there as the same one.
 * Any refusal keeps the copy: 409 (the sheet was sent with other answers, or the stage
 * moved on) shows the server's message; 503 (database unreachable) also tries a draft save
 * again a minute later. On opening, a copy named after the sent version is dropped only
 * when it holds exactly the answers the server shows. The visit's position travels with the
 * answers (in the copy and the payload); the photos are sheet-evidence.js's and go into the
 * outbox record on "Kirim".
 */
(function () {
  "use strict";

  var form = document.getElementById("scoring-sheet");
  var configNode = document.getElementById("sheet-config");
  if (!form || !configNode) return;
  var config = JSON.parse(configNode.textContent);
  var device = window.BantarDevice;
  var app = window.BantarApp;
  var evidence = window.BantarEvidence;  // photos and position (sheet-evidence.js)
  var BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];

  var notice = document.getElementById("sheet-notice");
  var loginBox = document.getElementById("login-again");
  var saveButton = document.getElementById("save-draft");
  var sendButton = document.getElementById("send-sheet");
  var confirmBox = document.getElementById("send-confirm");
  var outboxBox = document.getElementById("sheet-outbox");
  var indicators = Array.prototype.slice.call(form.querySelectorAll("[data-indicator]"));

  var token = config.token;
  var revision = 0;        // bumped on every change; a save answers for one revision
  var queue = Promise.resolve();
  var busy = false;
  var retryTimer = null;
  var RETRY_AFTER_MS = 60 * 1000;
  var hasCopy = false;     // whether the device holds answers the server has not confirmed
  var queued = false;      // whether this sheet waits in the outbox
  var writing = Promise.resolve();

  // --- the device copy -----------------------------------------------------------------

  function readCopy() {
    return device.get("copies", config.user, config.proposal).catch(function () { return null; });
  }

  function writeCopy() {
    var record = { user: config.user, proposal: config.proposal, token: token, data: collect(),
      revision: revision, changedAt: new Date().toISOString() };
    hasCopy = true;
    // Writes go in order: the last change is the one left on the device.
    writing = writing.then(function () { return device.put("copies", record); }).catch(function () {
      show("warning", ["Peramban tidak dapat menyimpan salinan jawaban di perangkat ini. " +
        "Simpan draf ke server sesering mungkin."]);
    });
    return writing;
  }

  function dropCopy() {
    hasCopy = false;
    writing = writing.then(function () {
      return device.remove("copies", config.user, config.proposal);
    }).catch(function () { /* nothing kept */ });
    return writing;
  }

  function sameAnswers(a, b) {
    // Notes are compared as the server stores them (trimmed); ids are integer-like keys,
    // which JavaScript always orders numerically, so JSON.stringify is canonical.
    function canonical(d) {
      var notes = {};
      Object.keys(d.notes || {}).forEach(function (id) {
        var note = (d.notes[id] || "").trim();
        if (note) notes[id] = note;
      });
      return JSON.stringify({ scores: d.scores || {}, notes: notes,
        visit_date: d.visit_date || "", general_note: (d.general_note || "").trim() });
    }
    return canonical(a) === canonical(b);
  }

  // --- reading and filling the form ----------------------------------------------------

  function collect() {
    var scores = {};
    var notes = {};
    indicators.forEach(function (box) {
      var id = box.dataset.indicator;
      var checked = box.querySelector("input[type=radio]:checked");
      if (checked) scores[id] = parseInt(checked.value, 10);
      var note = box.querySelector("textarea");
      if (note && note.value.trim()) notes[id] = note.value;
      var shown = note ? null : box.querySelector("[data-note]");  // a sent sheet's note
      if (shown && shown.dataset.note.trim()) notes[id] = shown.dataset.note;
    });
    return {
      scores: scores,
      notes: notes,
      visit_date: form.elements.visit_date.value,
      general_note: form.elements.general_note.value,
      location: evidence ? evidence.location() : null,
      removed_photos: evidence ? evidence.removedServerPhotos() : []
    };
  }

  function fill(data) {
    indicators.forEach(function (box) {
      var id = box.dataset.indicator;
      box.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.checked = data.scores[id] !== undefined && parseInt(radio.value, 10) === data.scores[id];
      });
      var note = box.querySelector("textarea");
      if (note) {
        note.value = data.notes[id] || "";
        if (note.value) note.closest("details").open = true;
      }
    });
    form.elements.visit_date.value = data.visit_date || "";
    form.elements.general_note.value = data.general_note || "";
    if (evidence && data.location) evidence.setLocation(data.location);
    if (evidence) evidence.setRemovedServerPhotos(data.removed_photos);
  }

  function payload(action) {
    var data = collect();
    var scores = Object.keys(data.scores).map(function (id) {
      return { indicator: parseInt(id, 10), value: data.scores[id], note: data.notes[id] || "" };
    });
    return {
      client_token: token, action: action, visit_date: data.visit_date,
      general_note: data.general_note, scores: scores, location: data.location || null,
      remove_photos: data.removed_photos || []
    };
  }

  // --- totals, date label, messages ----------------------------------------------------

  function updateTotals() {
    var data = collect();
    var subtotals = {};
    var total = 0;
    indicators.forEach(function (box) {
      var pillar = box.dataset.pillar;
      var value = data.scores[box.dataset.indicator];
      subtotals[pillar] = (subtotals[pillar] || 0) + (value || 0);
      total += value || 0;
      if (value !== undefined) box.classList.remove("is-missing");
    });
    Object.keys(subtotals).forEach(function (pillar) {
      form.querySelectorAll('[data-subtotal="' + pillar + '"]').forEach(function (node) {
        node.textContent = subtotals[pillar];
      });
    });
    document.getElementById("total").textContent = total;
    document.getElementById("answered").textContent = Object.keys(data.scores).length;
  }

  function updateDateLabel() {
    var label = document.getElementById("visit-date-label");
    var value = form.elements.visit_date.value;
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    label.textContent = parts ? parseInt(parts[3], 10) + " " + BULAN[parseInt(parts[2], 10) - 1] +
      " " + parts[1] : "";
  }

  function show(kind, lines) {
    notice.className = "sheet-notice alert alert-" + kind;
    notice.innerHTML = "";
    lines.forEach(function (line) {
      var p = document.createElement("div");
      linkCodes(p, line);
      notice.appendChild(p);
    });
  }

  // "Belum dinilai: B1, A3." (ours or the server's): each code links to its indicator.
  function linkCodes(node, line) {
    var at = line.indexOf("Belum dinilai: ");
    if (at < 0) { node.textContent = line; return; }
    at += "Belum dinilai: ".length;
    node.appendChild(document.createTextNode(line.slice(0, at)));
    line.slice(at).split(/([A-Z]\d+)/).forEach(function (part) {
      if (!document.getElementById("indikator-" + part)) {
        node.appendChild(document.createTextNode(part));
        return;
      }
      var link = document.createElement("a");
      link.href = "#indikator-" + part;
      link.className = "alert-link";
      link.textContent = part;
      node.appendChild(link);
    });
  }

  function clock() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + "." + ("0" + now.getMinutes()).slice(-2);
  }

  function newToken() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = window.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) { return ("0" + x.toString(16)).slice(-2); });
    return [hex.slice(0, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10), hex.slice(10)]
      .map(function (g) { return g.join(""); }).join("-");
  }

  function csrfToken() {
    // Read the cookie at every save: logging in again in another tab rotates it.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function setBusy(value) {
    busy = value;
    [saveButton, sendButton].forEach(function (b) { if (b) b.disabled = value; });
  }

  // --- saving --------------------------------------------------------------------------

  function save(action) {
    // A note needs its score: the server keeps notes only beside a score.
    var data = collect();
    var orphans = indicators.filter(function (box) {
      var id = box.dataset.indicator;
      return data.notes[id] !== undefined && data.scores[id] === undefined;
    });
    if (orphans.length) {
      show("danger", ["Beri nilai dulu untuk indikator yang berisi catatan: " +
        orphans.map(function (b) { return b.dataset.code; }).join(", ") + "."]);
      return queue;
    }
    if (!token) token = newToken();
    if (action === "send") return queueSend();
    queue = queue.then(function () { return post(action); });
    return queue;
  }

  function queueSend() {
    var record = { proposal: config.proposal, url: config.saveUrl, token: token,
      page: window.location.pathname, payload: payload("send"), attachments: [] };
    // The photos as they are now go in the record: it is sent as it was confirmed.
    var photos = evidence ? evidence.attachments() : Promise.resolve([]);
    return writeCopy().then(function () { return photos; }).then(function (attachments) {
      record.attachments = attachments;
      return app.queue(record);
    }).then(function () {
      lock(true);
      showQueued(navigator.onLine ? "Mengirim…" : null);
      if (navigator.onLine) app.flush();
    }, function () {
      show("danger", ["Perangkat ini tidak dapat menyimpan lembar untuk dikirim. Jawaban " +
        "belum terkirim; coba lagi."]);
    });
  }

  function lock(value) {
    queued = value;
    form.classList.toggle("is-queued", value);
    form.querySelectorAll("input, textarea, button").forEach(function (el) { el.disabled = value; });
  }

  function showQueued(text) {
    outboxBox.className = "alert alert-warning";
    outboxBox.hidden = false;
    document.getElementById("sheet-outbox-text").textContent = text ||
      "Menunggu sinyal: lembar ini tersimpan di perangkat dan terkirim sendiri saat koneksi " +
      "kembali. Jangan hapus data peramban.";
    showNext();
    document.getElementById("sheet-outbox-discard").hidden = true;
    outboxBox.scrollIntoView({ block: "nearest" });
  }

  function showNext() {
    var next = document.getElementById("sheet-outbox-next");
    if (config.nextUrl) {
      next.href = config.nextUrl;
      next.textContent = "RT berikutnya: " + config.nextLabel + " →";
      next.hidden = false;
    }
  }

  function showRefused(record) {
    outboxBox.className = "alert alert-danger";
    outboxBox.hidden = false;
    document.getElementById("sheet-outbox-text").textContent = "Lembar ini belum terkirim: " +
      record.message + " Jawaban Anda tetap tersimpan di perangkat ini" +
      (config.editable ? "; periksa lalu tekan Kirim lagi." : ".");
    document.getElementById("sheet-outbox-discard").hidden = false;
  }

  function outboxResult(event) {
    var mine = (event.detail || []).filter(function (r) { return r.proposal === config.proposal; });
    if (!mine.length) return;
    var result = mine[0];
    if (result.kind === "sent") {
      hasCopy = false;
      show("success", [result.answer.message + " Halaman dimuat ulang…"]);
      window.sessionStorage.setItem("bantar:terkirim", String(config.proposal));
      window.location.reload();
    } else if (result.kind === "login") {
      loginBox.hidden = false;
      showQueued("Menunggu login: lembar ini terkirim sendiri setelah Anda masuk lagi.");
    } else if (result.kind === "wait") {
      showQueued(null);
    } else {
      lock(false);
      device.get("outbox", config.user, config.proposal).then(function (record) {
        if (record) showRefused(record);
      });
      show("danger", ["Belum terkirim:", result.message,
        "Muat ulang halaman untuk melihat keadaan terbaru lembar ini."]);
    }
  }

  function post(action) {
    var body = payload(action);
    var sentRevision = revision;
    var sentToken = token;
    setBusy(true);
    show("info", [action === "send" ? "Mengirim…" : "Menyimpan…"]);
    return fetch(config.saveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "XMLHttpRequest"
      },
      body: JSON.stringify(body)
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.type === "opaqueredirect" || response.status === 401) {
        loginBox.hidden = false;
        show("danger", []);  // the login box says it all
        notice.className = "sheet-notice";
        return null;
      }
      if (!json && response.status >= 502 && response.status <= 504) {
        // The proxy answers: the portal itself is down or restarting.
        show("warning", ["Server sedang tidak dapat dihubungi (kode " + response.status +
          "). Jawaban tetap tersimpan di perangkat ini; coba kirim lagi nanti."]);
        retryLater();
        return null;
      }
      if (!json) {
        show("danger", ["Server menolak permintaan (kode " + response.status + "). Jawaban " +
          "tetap tersimpan di perangkat ini; muat ulang halaman lalu coba lagi."]);
        return null;
      }
      return response.json().then(function (answer) {
        handleAnswer(answer, response.status, sentToken, sentRevision);
      });
    }).catch(function () {
      show("warning", ["Tidak ada koneksi ke server. Jawaban tersimpan di perangkat ini; " +
        "tekan Simpan draf lagi saat koneksi kembali."]);
    }).then(function () {
      setBusy(false);
    });
  }

  function handleAnswer(answer, status, sentToken, sentRevision) {
    if (!answer.ok) {
      var lines = ["Belum tersimpan:"].concat(answer.errors || []);
      if (status === 503) {
        // The database is unreachable: keep the copy and try a draft save again later.
        lines.push("Draf akan dicoba disimpan lagi otomatis dalam 1 menit.");
        show("warning", lines);
        retryLater();
        return;
      }
      if (status === 409) {
        // Sent elsewhere, or the stage moved on: this page is out of date, and so is the
        // copy the device keeps of it.
        lines.push("Muat ulang halaman untuk melihat keadaan terbaru lembar ini.");
        app.refreshKept([window.location.pathname, app.config.home]);
      }
      show("danger", lines);
      return;
    }
    loginBox.hidden = true;
    if (answer.client_token !== sentToken) {
      show("warning", ["Jawaban server tidak cocok dengan lembar ini; salinan di perangkat ini dipertahankan."]);
      return;
    }
    // The kept page and list must show this draft (they open from the device first): the
    // device copy goes only once this page's kept copy holds it.
    app.refreshKept([window.location.pathname, app.config.home]).then(function (kept) {
      var page = kept && kept[0];
      if (revision !== sentRevision) return;
      if (kept === null ? !window.caches : page && !page.failed && !page.gone) dropCopy();
    });
    var statusBadge = document.getElementById("sheet-status");
    statusBadge.className = "badge text-bg-warning";
    statusBadge.textContent = "Draf versi " + answer.version;
    show("success", [answer.message + " (pukul " + clock() + ")" +
      (revision === sentRevision ? "" : " Ada perubahan baru yang belum disimpan.")]);
  }

  function retryLater() {
    if (retryTimer || !config.editable) return;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      if (hasCopy && !busy && !queued) save("draft");
    }, RETRY_AFTER_MS);
  }

  function missingItems() {
    var data = collect();
    return indicators.filter(function (box) {
      return data.scores[box.dataset.indicator] === undefined;
    });
  }

  function askToSend() {
    indicators.forEach(function (box) { box.classList.remove("is-missing"); });
    var missing = missingItems();
    var problems = [];
    if (missing.length) {
      missing.forEach(function (box) { box.classList.add("is-missing"); });
      problems.push("Semua " + indicators.length + " indikator harus dinilai sebelum dikirim. " +
        "Belum dinilai: " + missing.map(function (b) { return b.dataset.code; }).join(", ") + ".");
    }
    if (!form.elements.visit_date.value) problems.push("Isi tanggal kunjungan sebelum mengirim.");
    if (problems.length) {
      show("danger", problems);
      (missing[0] || form.elements.visit_date).scrollIntoView({ block: "center" });
      return;
    }
    confirmBox.hidden = false;
    confirmBox.scrollIntoView({ block: "nearest" });
  }

  function changed() {
    if (!token) token = newToken();
    revision += 1;
    writeCopy();
    updateTotals();
    updateDateLabel();
    show("secondary", ["Perubahan tersimpan di perangkat ini; belum disimpan ke server."]);
  }

  // --- start ---------------------------------------------------------------------------

  // scoring.css keeps this much free at the bottom when focus scrolls (the bar's height).
  var bar = document.getElementById("sheet-bar");
  if (bar && window.ResizeObserver) {
    new window.ResizeObserver(function () {
      document.documentElement.style.setProperty("--sheet-bar-height", bar.offsetHeight + "px");
    }).observe(bar);
  }

  // A tall field focused while partly under the bar: Chrome scrolls only its caret into
  // view, so the rest of it may stay hidden under the bar.
  form.addEventListener("focusin", function (event) {
    if (!bar || event.target.tagName !== "TEXTAREA" || bar.contains(event.target)) return;
    if (event.target.getBoundingClientRect().bottom > bar.getBoundingClientRect().top) {
      event.target.scrollIntoView({ block: "nearest" });
    }
  });

  device.ready().then(function () {
    return Promise.all([readCopy(), device.get("outbox", config.user, config.proposal)]);
  }).catch(function () { return [null, null]; }).then(function (found) { start(found[0], found[1]); });

  function start(copy, record) {
    var justSent = window.sessionStorage.getItem("bantar:terkirim") === String(config.proposal);
    if (justSent) {
      window.sessionStorage.removeItem("bantar:terkirim");
      var sentNotice = document.getElementById("sheet-sent");
      if (sentNotice) {
        sentNotice.scrollIntoView({ block: "center" });
        sentNotice.focus();
      }
    }
    if (copy && copy.token && copy.token === config.sentToken && sameAnswers(copy.data, collect())) {
      // The server already has these answers as sent (the answer to the send was lost).
      dropCopy();
      copy = null;
    }
    if (copy && !record && copy.token && copy.token === config.token &&
        sameAnswers(copy.data, collect()) && !(copy.data.removed_photos || []).length) {
      // The server's draft, as this page shows it, holds these answers already.
      dropCopy();
      copy = null;
    }
    hasCopy = !!copy;
    if (record && record.state !== "konflik" && config.editable) {
      // Sent from this device, not yet acknowledged: show what waits, locked.
      token = record.token;
      if (copy) fill(copy.data);
      updateTotals();
      updateDateLabel();
      attach();
      lock(true);
      showQueued(record.state === "login" ?
        "Menunggu login: lembar ini terkirim sendiri setelah Anda masuk lagi." : null);
      if (record.state === "login") loginBox.hidden = false;
      return;
    }
    if (record && record.state === "konflik") showRefused(record);
    if (copy && config.editable) {
      // A copy named after the sent version belongs under the reopened draft's own token:
      // the sent token can never be saved again.
      token = copy.token && copy.token !== config.sentToken ? copy.token : (token || newToken());
      fill(copy.data);
      revision = 1;
      show("warning", ["Jawaban yang belum tersimpan di server dipulihkan dari perangkat ini. " +
        "Tekan Simpan draf atau Kirim."]);
    } else if (copy) {
      show("warning", ["Perangkat ini menyimpan jawaban yang belum terkirim, tetapi lembar ini " +
        "tidak dapat diubah lagi. Hubungi Admin DPMPPA bila perlu."]);
    }
    updateTotals();
    updateDateLabel();
    attach();
  }

  function attach() {
    document.addEventListener("bantar:outbox", outboxResult);
    document.getElementById("sheet-outbox-discard").addEventListener("click", function () {
      if (!window.confirm("Hapus jawaban lembar ini dari perangkat? Jawaban yang belum " +
          "terkirim akan hilang.")) return;
      Promise.all([device.remove("outbox", config.user, config.proposal),
        device.remove("copies", config.user, config.proposal),
        evidence ? evidence.forget() : null]).then(function () {
        window.location.reload();
      });
    });
    if (!config.editable) return;

    form.addEventListener("change", changed);
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") changed();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    saveButton.addEventListener("click", function () { save("draft"); });
    sendButton.addEventListener("click", askToSend);
    document.getElementById("send-confirm-no").addEventListener("click", function () {
      confirmBox.hidden = true;
    });
    document.getElementById("send-confirm-yes").addEventListener("click", function () {
      confirmBox.hidden = true;
      save("send");
    });
    window.addEventListener("online", function () {
      // Back online with answers only on this device: save them as a draft (a sheet in the
      // outbox goes by itself, assessor-app.js).
      if (hasCopy && !busy && !queued) save("draft");
    });
    window.addEventListener("offline", function () {
      show("warning", ["Koneksi terputus. Jawaban tetap tersimpan di perangkat ini."]);
    });
  }
})();
