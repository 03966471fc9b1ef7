/* The tablet's own store: what the assessor entered stays here until the server confirms it.
 *
 * IndexedDB database "bantar-penilaian", two stores keyed by [user id, proposal id]:
 *   copies  {user, proposal, token, data, revision, changedAt}
 *           the answers as typed, not yet confirmed by the server (a draft on the device);
 *   outbox  {user, proposal, url, token, payload, attachments: [], queuedAt,
 *            state: "menunggu" | "login" | "konflik", code, message}
 *           a confirmed "Kirim" the server has not acknowledged yet. `attachments` holds
 *           the sheet's photos as they were when "Kirim" was pressed:
 *           [{indicator, code, takenAt, blob}] (sheet-evidence.js);
 * and one keyed by a photo id (version 2):
 *   photos  {id, user, proposal, indicator, code, blob, width, height, takenAt}
 *           the photos taken for a sheet and not yet sent (index "sheet": [user, proposal]).
 * Older pages kept the copy in localStorage ("bantar:penilaian:<user>:<proposal>"):
 * ready() moves each one in and removes it from localStorage only once IndexedDB holds it.
 *
 * send(record) posts one outbox record with the token it was queued with, as JSON, or with
 * photos as multipart/form-data (the JSON in "payload", each photo a file, in one request:
 * the server stores the sheet and its photos together or not at all), (the server
 * answers a repeated token as it answered the first time, so a retry never makes a second
 * sheet) and says what happened: "sent" (the server echoed the token of a sent sheet),
 * "wait" (no connection, proxy error, database down: try again later), "login" (session
 * expired: try again after logging in) or "conflict" (refused: the server's `code` and
 * Indonesian `message` are kept on the record, which stays until the assessor resolves it).
 */
(function () {
  "use strict";

  var DB_NAME = "bantar-penilaian";
  var DB_VERSION = 2;
  var LEGACY_PREFIX = "bantar:penilaian:";
  var opening = null;

  function open() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = window.indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = function () {
          var db = request.result;
          ["copies", "outbox"].forEach(function (name) {
            if (!db.objectStoreNames.contains(name)) {
              db.createObjectStore(name, { keyPath: ["user", "proposal"] }).createIndex("user", "user");
            }
          });
          if (!db.objectStoreNames.contains("photos")) {
            var photos = db.createObjectStore("photos", { keyPath: "id" });
            photos.createIndex("user", "user");
            photos.createIndex("sheet", ["user", "proposal"]);
          }
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opening;
  }

  // One request in its own transaction; resolves once the transaction is complete (for a
  // write: on disk), with the request's result.
  function run(storeName, mode, makeRequest) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var request = makeRequest(tx.objectStore(storeName));
        tx.oncomplete = function () { resolve(request.result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function get(storeName, user, proposal) {
    return run(storeName, "readonly", function (s) { return s.get([user, proposal]); });
  }

  function put(storeName, record) {
    return run(storeName, "readwrite", function (s) { return s.put(record); });
  }

  function remove(storeName, user, proposal) {
    return run(storeName, "readwrite", function (s) { return s["delete"]([user, proposal]); });
  }

  function all(storeName, user) {
    return run(storeName, "readonly", function (s) { return s.index("user").getAll(user); });
  }

  function photosOf(user, proposal) {
    return run("photos", "readonly", function (s) {
      return s.index("sheet").getAll([user, proposal]);
    });
  }

  function removePhoto(id) {
    return run("photos", "readwrite", function (s) { return s["delete"](id); });
  }

  function removePhotos(user, proposal) {
    return photosOf(user, proposal).then(function (found) {
      return Promise.all(found.map(function (p) { return removePhoto(p.id); }));
    });
  }

  // The request body: JSON, or the JSON and the photos together (multipart).
  function body(record) {
    var attachments = record.attachments || [];
    if (!attachments.length) return JSON.stringify(record.payload);
    var payload = Object.assign({}, record.payload, {
      photos: attachments.map(function (a, i) {
        return { file: "foto-" + i, indicator: a.indicator, code: a.code, taken_at: a.takenAt };
      })
    });
    var data = new FormData();
    data.append("payload", JSON.stringify(payload));
    attachments.forEach(function (a, i) { data.append("foto-" + i, a.blob, "foto-" + i + ".jpg"); });
    return data;
  }

  function migrateLegacyCopies() {
    var keys = [];
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(LEGACY_PREFIX) === 0) keys.push(key);
      }
    } catch (e) {
      return Promise.resolve();
    }
    return keys.reduce(function (chain, key) {
      return chain.then(function () {
        var parts = key.slice(LEGACY_PREFIX.length).split(":");
        var user = parseInt(parts[0], 10);
        var proposal = parseInt(parts[1], 10);
        var old;
        try { old = JSON.parse(window.localStorage.getItem(key)); } catch (e) { old = null; }
        if (!old || isNaN(user) || isNaN(proposal)) return null;
        return get("copies", user, proposal).then(function (current) {
          // A copy already in IndexedDB that is newer wins; otherwise the old one moves in.
          if (current && (current.changedAt || "") >= (old.changedAt || "")) return null;
          return put("copies", {
            user: user, proposal: proposal, token: old.token, data: old.data,
            revision: old.revision || 1, changedAt: old.changedAt || new Date().toISOString()
          });
        }).then(function () { window.localStorage.removeItem(key); });
      });
    }, Promise.resolve());
  }

  var readying = null;
  function ready() {
    if (!readying) readying = open().then(migrateLegacyCopies);
    return readying;
  }

  function csrfToken() {
    // Read at every send: logging in again rotates it, and cached pages hold an old one.
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }

  function send(record) {
    var content = body(record);
    var headers = {
      "Accept": "application/json",
      "X-CSRFToken": csrfToken(),
      "X-Requested-With": "XMLHttpRequest"
    };
    // FormData sets its own Content-Type (with the multipart boundary).
    if (typeof content === "string") headers["Content-Type"] = "application/json";
    return fetch(record.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      headers: headers,
      body: content
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401) return { kind: "login" };
      if (!isJson(response)) {
        // 403 as an HTML page is Django's CSRF refusal: a fresh login gives a fresh token.
        if (response.status === 403) return { kind: "login" };
        return { kind: "wait", message: "Server sedang tidak dapat dihubungi (kode " +
          response.status + ")." };
      }
      return response.json().then(function (answer) {
        if (answer.ok && answer.client_token === record.token && answer.status !== "DRAFT") {
          return { kind: "sent", answer: answer };
        }
        if (answer.ok) {
          return { kind: "conflict", code: "unexpected_answer", message: "Jawaban server " +
            "tidak cocok dengan lembar ini; salinan di perangkat ini dipertahankan." };
        }
        if (response.status === 503) return { kind: "wait", message: answer.message };
        return { kind: "conflict", code: answer.code || "refused",
          message: answer.message || (answer.errors || []).join(" ") };
      });
    }, function () {
      return { kind: "wait", message: "Tidak ada koneksi ke server." };
    });
  }

  window.BantarDevice = {
    ready: ready,
    get: get,
    put: put,
    remove: remove,
    all: all,
    photosOf: photosOf,
    removePhoto: removePhoto,
    removePhotos: removePhotos,
    send: send,
    csrfToken: csrfToken
  };
})();
