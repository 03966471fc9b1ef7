/* The assessor pages as an offline app (list and sheet): the service worker, the outbox,
 * "Siapkan untuk offline", the kept pages kept current, and each RT's state on the list.
 *
 * The outbox (BantarDevice, device-store.js) is sent by itself: when the page opens online,
 * on the browser's "online" event, and every 30 seconds while something waits. Sends of one
 * browser never overlap (Web Locks where available); a repeated send is harmless anyway,
 * the token makes it the same sheet on the server. After each round the page gets a
 * "bantar:outbox" event with one result per record (scoring.js listens on the sheet).
 *
 * "Siapkan untuk offline" stores the list and every assigned sheet (from
 * /penilaian/offline-manifest.json) in this user's page cache; the service worker keeps
 * the static files. The pages open from there first (sw.js), so the app keeps them
 * current: by itself on an online visit of the list (at most every `freshSeconds`), the
 * sheet and the list whenever a save, a send or a refusal says the server's copy changed,
 * and an open page older than `freshSeconds` is checked against the server after it
 * opens; when the server's copy differs, "Versi baru ... Muat ulang" is offered (what was
 * typed is in the device store, so reloading loses nothing). A new service worker waits
 * while a page is open and takes over on the next page, or at once with "Muat ulang".
 * "Keluar" asks first when work is still on the device, and drops the user's page cache,
 * so the next user of the tablet cannot open them offline.
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
  var PREPARED_KEY = "bantar-disiapkan-u" + config.user;    // when every page was last kept
  var FRESH_MS = config.freshSeconds * 1000;
  var RETRY_MS = 30 * 1000;
  var registration = null;
  var flushing = null;

  // --- "Versi baru tersedia — Muat ulang" ------------------------------------------------

  function offerReload(kind) {
    var box = document.getElementById("app-update");
    if (!box) {
      box = document.createElement("div");
      box.id = "app-update";
      box.className = "alert alert-info d-flex flex-wrap align-items-center gap-2";
      box.setAttribute("role", "status");
      var text = document.createElement("span");
      text.id = "app-update-text";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-bantar";
      button.id = "app-update-reload";
      button.textContent = "Muat ulang";
      button.addEventListener("click", reloadNow);
      box.appendChild(text);
      box.appendChild(button);
      var main = document.querySelector("main");
      main.insertBefore(box, main.firstChild);
    }
    box.dataset.kind = kind;
    document.getElementById("app-update-text").textContent = (kind === "app" ?
      "Versi baru aplikasi penilaian tersedia; dipakai mulai halaman berikutnya." :
      "Versi baru halaman ini tersedia dari server (misalnya lembar dibuka ulang atau " +
      "tugas berubah).") + " Jawaban yang belum terkirim tetap tersimpan di perangkat ini.";
  }

  function reloadNow() {
    // Answers are in the device store: reloading keeps them (scoring.js restores them).
    if (registration && registration.waiting) {
      navigator.serviceWorker.addEventListener("controllerchange", function () {
        window.location.reload();
      });
      registration.waiting.postMessage("skipWaiting");
      window.setTimeout(function () { window.location.reload(); }, 3000);
      return;
    }
    window.location.reload();
  }

  // --- service worker --------------------------------------------------------------------

  function watchForUpdate(reg) {
    function waiting() {
      // A worker waiting beside the one in charge of this page: a new version.
      if (reg.waiting && navigator.serviceWorker.controller) offerReload("app");
    }
    waiting();
    reg.addEventListener("updatefound", function () {
      var installing = reg.installing;
      if (!installing) return;
      installing.addEventListener("statechange", function () {
        if (installing.state === "installed") waiting();
      });
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.serviceWorker,
      { scope: config.home, updateViaCache: "all" })  // see offline_views.service_worker
      .then(function (reg) { registration = reg; watchForUpdate(reg); })
      .catch(function () { /* the pages still work online without it */ });
    // A new worker waits while this page is open; it takes over from the next page.
    window.addEventListener("pagehide", function () {
      if (registration && registration.waiting) registration.waiting.postMessage("skipWaiting");
    });
  }

  // --- the pages kept on the device ------------------------------------------------------

  function markSession(csrf) {
    // The worker opens kept pages with no request only in the session they were kept in.
    if (!window.caches) return Promise.resolve();
    return window.caches.open(META_CACHE).then(function (cache) {
      return cache.put(CURRENT_USER_KEY, new Response(JSON.stringify({
        user: String(config.user), csrf: csrf })));
    }).catch(function () {});
  }

  function stamped(response) {
    var headers = new Headers(response.headers);
    headers.set(config.keptAtHeader, String(Date.now()));
    return response.blob().then(function (body) {
      return new Response(body, { status: response.status, statusText: response.statusText,
        headers: headers });
    });
  }

  // Fetch one page and keep it: resolves {changed} (the server's copy differs from the one
  // kept before), rejects when it is not this user's page. A page the server no longer
  // gives this user (the assignment changed) is dropped from the device.
  function keepPage(url) {
    return window.caches.open(PAGE_CACHE).then(function (cache) {
      return cache.match(url).then(function (before) {
        return fetch(url, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
          .then(function (response) {
            if (response.status === 403 || response.status === 404) {
              return cache.delete(url).then(function () { return { changed: !!before, gone: true }; });
            }
            // Only this user's own page goes into this user's cache.
            if (!response.ok || response.headers.get(config.userHeader) !== String(config.user)) {
              throw new Error("not stored");
            }
            var version = response.headers.get(config.contentHeader);
            return stamped(response).then(function (kept) { return cache.put(url, kept); })
              .then(function () {
                return { changed: !!before && before.headers.get(config.contentHeader) !== version };
              });
          });
      });
    });
  }

  // Resolves one result per URL ({changed, gone} or {failed}), or null when nothing can be
  // kept now (no Cache API, no connection).
  function refreshKept(urls) {
    if (!window.caches || !navigator.onLine) return Promise.resolve(null);
    return Promise.all(urls.map(function (url) {
      return keepPage(url).catch(function () { return { changed: false, failed: true }; });
    }));
  }

  function sheetPage(record) {
    return record.page || config.home + record.proposal + "/";
  }

  // An open page kept a while ago: checked against the server after it opened.
  function checkThisPage() {
    var here = window.location.pathname;
    if (!window.caches || !navigator.onLine || window.location.search) return Promise.resolve();
    // No worker in charge: this page came from the network just now.
    if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return Promise.resolve();
    return window.caches.open(PAGE_CACHE).then(function (cache) {
      return cache.match(here);
    }).then(function (kept) {
      var at = kept ? parseInt(kept.headers.get(config.keptAtHeader) || "0", 10) : 0;
      if (kept && Date.now() - at < FRESH_MS) return null;
      return keepPage(here).then(function (result) {
        if (result.changed) offerReload("page");
      }, function () {});
    }).catch(function () {});
  }

  // A one-off message (e.g. after declaring a conflict) is not kept with the page.
  if (document.querySelector("main > .alert[role=alert]")) {
    refreshKept([window.location.pathname]);
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
          device.removePhotos(config.user, record.proposal),
          // The kept list and sheet now show it sent (before the sheet reloads itself).
          refreshKept([config.home, sheetPage(record)])];
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
    var after = null;
    // Refused: the server's sheet is not what the kept page shows (reopened, sent with
    // other answers, no longer assigned). Ended session: pages come from the network until
    // the next login.
    if (result.kind === "conflict") after = refreshKept([config.home, sheetPage(record)]);
    if (result.kind === "login") after = forgetPrepared().then(function () { return markSession(null); });
    return Promise.all([device.put("outbox", record), after]);
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

  function forgetPrepared() {
    try { window.localStorage.removeItem(PREPARED_KEY); } catch (e) { /* private mode */ }
    return Promise.resolve();
  }

  window.BantarApp = { config: config, flush: flush, queue: queue, refreshKept: refreshKept };

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
        forgetPrepared();
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
    if (navigator.onLine) flush().then(checkThisPage);
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

  // The line above the list counts what each row now says, the device's own work included:
  // a sheet waiting for signal is not "belum dinilai".
  var SUMMARY = [
    ["menunggu", " menunggu sinyal"], ["login", " menunggu login"],
    ["perlu-tindakan", " perlu tindakan"], ["draf-perangkat", " draf di perangkat"],
    ["draf", " draf"], ["dibuka", " dibuka ulang"], ["belum", " belum dinilai"]
  ];

  function showSummary() {
    var summary = document.getElementById("progress-summary");
    if (!summary) return;
    var counts = {};
    rows.forEach(function (row) { counts[row.dataset.state] = (counts[row.dataset.state] || 0) + 1; });
    var parts = [(counts.terkirim || 0) + " dari " + rows.length + " RT terkirim"];
    SUMMARY.forEach(function (item) {
      if (counts[item[0]] || item[0] === "draf" || item[0] === "belum") parts.push((counts[item[0]] || 0) + item[1]);
    });
    summary.textContent = parts.join(" · ");
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
      showSummary();
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

  function lastPrepared() {
    try { return JSON.parse(window.localStorage.getItem(PREPARED_KEY) || "null"); } catch (e) { return null; }
  }

  function showPrepared(done, total, failed) {
    progress.textContent = done + " dari " + total + " RT siap" +
      (failed.length ? "; gagal: " + failed.join(", ") + ". Coba lagi saat sinyal bagus."
        : " untuk dibuka tanpa sinyal.");
    panel.dataset.prepared = failed.length ? "sebagian" : "ya";
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
        // The server just said who is logged in, in this session: the worker opens this
        // user's pages from the device.
        markSession(device.csrfToken());
        var total = manifest.sheets.length;
        var done = 0;
        var failed = [];
        function report() {
          progress.textContent = done + " dari " + total + " RT siap";
        }
        report();
        return keepPage(manifest.home).then(function (home) {
          if (home.changed && window.location.pathname === manifest.home) offerReload("page");
          return manifest.sheets.reduce(function (chain, sheet) {
            return chain.then(function () {
              return keepPage(sheet.url).then(function () {
                done += 1;
                report();
              }, function () { failed.push(sheet.label); });
            });
          }, Promise.resolve());
        }).then(function () {
          // The static files are the worker's: ready once it is active.
          return "serviceWorker" in navigator ? navigator.serviceWorker.ready : null;
        }).then(function () {
          showPrepared(done, total, failed);
          try {
            window.localStorage.setItem(PREPARED_KEY, JSON.stringify({ at: Date.now(),
              done: done, total: total, failed: failed }));
          } catch (e) { /* private mode: prepared again next time */ }
        });
      })
      .catch(function (error) {
        if (error.message !== "login") {
          progress.textContent = "Belum berhasil menyiapkan perangkat. Coba lagi saat sinyal bagus.";
        }
      })
      .then(function () { prepareButton.disabled = false; });
  }

  // On an online visit: everything again unless it was all kept a moment ago (then this
  // visit makes no request at all).
  function prepareIfDue() {
    var last = lastPrepared();
    if (!last || Date.now() - last.at >= FRESH_MS || last.failed.length) return prepare();
    return window.caches.has(PAGE_CACHE).then(function (kept) {
      if (!kept) return prepare();
      showPrepared(last.done, last.total, last.failed);
      return null;
    });
  }

  prepareButton.addEventListener("click", prepare);
  showStates().then(function () {
    if (!navigator.onLine) {
      say("warning", "Tidak ada sinyal: daftar ini dari perangkat. Lembar yang sudah disiapkan " +
        "tetap dapat dibuka dan diisi.");
      return;
    }
    // Online: send what waits, then refresh the pages kept on the device.
    flush().then(prepareIfDue);
  });
})();
