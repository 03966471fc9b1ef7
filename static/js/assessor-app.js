/* The assessor pages as an offline app (list and sheet): the service worker, the outbox,
 * "Siapkan untuk offline" and each RT's state on the list.
 *
 * The outbox (BantarDevice, device-store.js) is sent by itself: when the page opens online,
 * on the browser's "online" event, and every 30 seconds while something waits. Sends of one
 * browser never overlap (Web Locks where available); a repeated send is harmless anyway,
 * the token makes it the same sheet on the server. After each round the page gets a
 * "bantar:outbox" event with one result per record (scoring.js listens on the sheet).
 *
 * "Siapkan untuk offline" stores the list and every assigned sheet (from
 * /penilaian/offline-manifest.json) in this user's page cache; the service worker keeps
 * the static files. "Keluar" asks first when work is still on the device, and drops the
 * user's page cache, so the next user of the tablet cannot open them offline.
 */
(function () {
  "use strict";

  var configNode = document.getElementById("assessor-app-config");
  if (!configNode || !window.BantarDevice) return;
  var config = JSON.parse(configNode.textContent);
  var device = window.BantarDevice;
  var PAGE_CACHE = "bantar-halaman-u" + config.user;
  var META_CACHE = "bantar-meta";
  var CURRENT_USER_KEY = config.home + "__penilai-aktif";  // the worker reads it (sw.js)
  var RETRY_MS = 30 * 1000;
  var registration = null;
  var flushing = null;

  // --- service worker --------------------------------------------------------------------

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.serviceWorker, { scope: config.home })
      .then(function (reg) { registration = reg; })
      .catch(function () { /* the pages still work online without it */ });
    // A new worker waits while this page is open; it takes over from the next page.
    window.addEventListener("pagehide", function () {
      if (registration && registration.waiting) registration.waiting.postMessage("skipWaiting");
    });
  }

  // --- the outbox ------------------------------------------------------------------------

  function withLock(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("bantar-outbox", work);
    }
    return work();
  }

  function sendAll() {
    return device.all("outbox", config.user).then(function (records) {
      var results = [];
      // One at a time, in the order they were queued; stop at the first sign that nothing
      // else will go either (no connection, session expired).
      return records.sort(function (a, b) { return a.queuedAt < b.queuedAt ? -1 : 1; })
        .filter(function (r) { return r.state !== "konflik"; })
        .reduce(function (chain, record) {
          return chain.then(function (stop) {
            if (stop) return stop;
            return device.send(record).then(function (result) {
              result.proposal = record.proposal;
              results.push(result);
              return settle(record, result).then(function () {
                return result.kind === "wait" || result.kind === "login";
              });
            });
          });
        }, Promise.resolve(false))
        .then(function () { return results; });
    });
  }

  function settle(record, result) {
    if (result.kind === "sent") {
      return device.get("copies", config.user, record.proposal).then(function (copy) {
        // The photos went with it (the form is locked while a sheet waits to be sent).
        var drops = [device.remove("outbox", config.user, record.proposal),
          device.removePhotos(config.user, record.proposal)];
        // The copy is what was sent unless it was changed after (a newer token).
        if (copy && copy.token === record.token) {
          drops.push(device.remove("copies", config.user, record.proposal));
        }
        return Promise.all(drops);
      });
    }
    var state = { wait: "menunggu", login: "login", conflict: "konflik" }[result.kind];
    record.state = state;
    record.code = result.code || null;
    record.message = result.message || null;
    record.triedAt = new Date().toISOString();
    return device.put("outbox", record);
  }

  function flush() {
    if (!flushing) {
      flushing = device.ready()
        .then(function () { return withLock(sendAll); })
        .catch(function () { return []; })
        .then(function (results) {
          flushing = null;
          announce(results);
          if (channel && results.length) channel.postMessage(results);
          return results;
        });
    }
    return flushing;
  }

  function queue(record) {
    record.user = config.user;
    record.state = "menunggu";
    record.queuedAt = new Date().toISOString();
    record.attachments = record.attachments || [];
    return device.put("outbox", record);
  }

  function announce(results) {
    document.dispatchEvent(new CustomEvent("bantar:outbox", { detail: results }));
  }

  // Another tab of the app may send this tab's sheets: it tells the others what went.
  var channel = window.BroadcastChannel ? new BroadcastChannel("bantar-outbox") : null;
  if (channel) channel.onmessage = function (event) { announce(event.data || []); };

  window.BantarApp = { config: config, flush: flush, queue: queue };

  window.addEventListener("online", function () { flush(); });
  window.setInterval(function () {
    device.all("outbox", config.user).then(function (records) {
      if (records.some(function (r) { return r.state !== "konflik"; })) flush();
    });
  }, RETRY_MS);

  // --- "Keluar" ------------------------------------------------------------------------------

  document.querySelectorAll("form").forEach(function (form) {
    if (new URL(form.action, window.location.href).pathname !== config.logoutUrl) return;
    form.addEventListener("submit", function (event) {
      if (form.dataset.confirmed) return;
      event.preventDefault();
      device.ready().then(function () {
        return Promise.all([device.all("outbox", config.user), device.all("copies", config.user)]);
      }).catch(function () { return [[], []]; }).then(function (found) {
        var unsent = {};
        found[0].concat(found[1]).forEach(function (r) { unsent[r.proposal] = true; });
        var count = Object.keys(unsent).length;
        if (count && !window.confirm("Ada " + count + " lembar penilaian di perangkat ini yang " +
            "belum terkirim. Lembar itu tetap tersimpan di perangkat dan terkirim setelah Anda " +
            "masuk lagi dengan akun yang sama. Tetap keluar?")) {
          return;
        }
        var forget = window.caches ? Promise.all([
          window.caches.delete(PAGE_CACHE),
          window.caches.open(META_CACHE).then(function (c) { return c.delete(CURRENT_USER_KEY); })
        ]) : Promise.resolve();
        forget.catch(function () {}).then(function () {
          form.dataset.confirmed = "1";
          form.submit();
        });
      });
    });
  });

  // --- the list page -------------------------------------------------------------------------

  var panel = document.getElementById("offline-panel");
  if (!panel) {
    if (navigator.onLine) flush();
    return;
  }
  var prepareButton = document.getElementById("prepare-offline");
  var progress = document.getElementById("prepare-progress");
  var sendButton = document.getElementById("send-pending");
  var notice = document.getElementById("app-notice");
  var loginBox = document.getElementById("app-login");
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-rt]"));

  var LABELS = {
    belum: ["Belum dinilai", "text-bg-light border"],
    draf: ["Draf di server, belum dikirim", "text-bg-light border"],
    "draf-perangkat": ["Draf di perangkat", "text-bg-warning"],
    menunggu: ["Menunggu sinyal", "text-bg-warning"],
    login: ["Menunggu login", "text-bg-danger"],
    "perlu-tindakan": ["Perlu tindakan", "text-bg-danger"],
    terkirim: ["Terkirim", "text-bg-success"],
    dibuka: ["Dibuka ulang", "text-bg-info"]
  };

  function say(kind, text) {
    notice.className = "app-notice mt-2" + (text ? " alert alert-" + kind + " mb-0" : "");
    notice.textContent = text || "";
  }

  function showStates() {
    return device.ready().then(function () {
      return Promise.all([device.all("outbox", config.user), device.all("copies", config.user)]);
    }).then(function (found) {
      var outbox = {}, copies = {};
      found[0].forEach(function (r) { outbox[r.proposal] = r; });
      found[1].forEach(function (r) { copies[r.proposal] = r; });
      rows.forEach(function (row) {
        var id = parseInt(row.dataset.rt, 10);
        var state = row.dataset.serverState;
        var note = "";
        var record = outbox[id];
        if (record) {
          state = { menunggu: "menunggu", login: "login", konflik: "perlu-tindakan" }[record.state];
          if (record.state === "konflik") note = record.message;
        } else if (copies[id] && state !== "terkirim") {
          state = "draf-perangkat";
          note = Object.keys(copies[id].data.scores || {}).length + " dinilai, belum dikirim";
        }
        var label = LABELS[state] || LABELS.belum;
        row.dataset.state = state;
        var badge = document.createElement("span");
        badge.className = "badge " + label[1];
        badge.textContent = label[0];
        var holder = row.querySelector("[data-state]");
        holder.textContent = "";
        holder.appendChild(badge);
        row.querySelector("[data-device-note]").textContent = note || "";
      });
      var waiting = found[0].filter(function (r) { return r.state !== "konflik"; });
      sendButton.hidden = waiting.length === 0;
      loginBox.hidden = !found[0].some(function (r) { return r.state === "login"; });
      return waiting.length;
    });
  }

  function afterFlush(results) {
    results.forEach(function (r) {
      // This list may be a page kept from before: what the server confirmed is now sent.
      var row = document.querySelector('[data-rt="' + r.proposal + '"]');
      if (row && r.kind === "sent") row.dataset.serverState = "terkirim";
    });
    var sent = results.filter(function (r) { return r.kind === "sent"; }).length;
    var conflicts = results.filter(function (r) { return r.kind === "conflict"; }).length;
    var waiting = results.some(function (r) { return r.kind === "wait"; });
    var lines = [];
    if (sent) lines.push(sent + " lembar terkirim.");
    if (conflicts) lines.push(conflicts + " lembar ditolak server; buka RT bertanda " +
      "\"Perlu tindakan\" untuk melihat sebabnya. Jawabannya tetap di perangkat ini.");
    if (waiting) lines.push("Belum ada sinyal ke server; lembar yang menunggu terkirim " +
      "sendiri saat koneksi kembali.");
    if (lines.length) say(conflicts ? "danger" : sent && !waiting ? "success" : "warning", lines.join(" "));
    showStates();
  }
  document.addEventListener("bantar:outbox", function (event) { afterFlush(event.detail || []); });
  window.addEventListener("online", function () { say("", ""); });

  sendButton.addEventListener("click", function () {
    if (!navigator.onLine) {
      say("warning", "Belum ada sinyal. Lembar yang menunggu terkirim sendiri saat koneksi kembali.");
      return;
    }
    say("info", "Mengirim…");
    flush();
  });

  // --- "Siapkan untuk offline" -------------------------------------------------------------

  function storePage(cache, url) {
    return fetch(url, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (response) {
        // Only this user's own page goes into this user's cache.
        if (!response.ok || response.headers.get(config.userHeader) !== String(config.user)) {
          throw new Error("not stored");
        }
        return cache.put(url, response);
      });
  }

  function prepare() {
    if (!window.caches || !navigator.onLine) {
      progress.textContent = "Perangkat ini hanya dapat disiapkan saat ada sinyal.";
      return Promise.resolve();
    }
    prepareButton.disabled = true;
    progress.textContent = "Menyiapkan…";
    return fetch(config.offlineManifest, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) {
          loginBox.hidden = false;
          throw new Error("login");
        }
        if (!response.ok) throw new Error("manifest " + response.status);
        return response.json();
      })
      .then(function (manifest) {
        if (manifest.user !== config.user) throw new Error("another user");
        // The server just said who is logged in: offline, the worker opens this user's pages.
        window.caches.open(META_CACHE).then(function (cache) {
          return cache.put(CURRENT_USER_KEY, new Response(String(config.user)));
        });
        return window.caches.open(PAGE_CACHE).then(function (cache) {
          var total = manifest.sheets.length;
          var done = 0;
          var failed = [];
          function report() {
            progress.textContent = done + " dari " + total + " RT siap";
          }
          report();
          return storePage(cache, manifest.home).then(function () {
            return manifest.sheets.reduce(function (chain, sheet) {
              return chain.then(function () {
                return storePage(cache, sheet.url).then(function () {
                  done += 1;
                  report();
                }, function () { failed.push(sheet.label); });
              });
            }, Promise.resolve());
          }).then(function () {
            // The static files are the worker's: ready once it is active.
            return "serviceWorker" in navigator ? navigator.serviceWorker.ready : null;
          }).then(function () {
            progress.textContent = done + " dari " + total + " RT siap" +
              (failed.length ? "; gagal: " + failed.join(", ") + ". Coba lagi saat sinyal bagus."
                : " untuk dibuka tanpa sinyal.");
            panel.dataset.prepared = failed.length ? "sebagian" : "ya";
          });
        });
      })
      .catch(function (error) {
        if (error.message !== "login") {
          progress.textContent = "Belum berhasil menyiapkan perangkat. Coba lagi saat sinyal bagus.";
        }
      })
      .then(function () { prepareButton.disabled = false; });
  }

  prepareButton.addEventListener("click", prepare);
  showStates().then(function () {
    if (!navigator.onLine) {
      say("warning", "Tidak ada sinyal: daftar ini dari perangkat. Lembar yang sudah disiapkan " +
        "tetap dapat dibuka dan diisi.");
      return;
    }
    // Online: send what waits, then refresh the pages kept on the device.
    flush().then(prepare);
  });
})();
