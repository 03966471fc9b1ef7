/* The tablet's own store: what the assessor entered stays here until the server confirms it.
 *
 * IndexedDB database "bantar-penilaian", two stores keyed by [user id, proposal id]:
 *   copies  {user, proposal, token, data, revision, changedAt}
 *           the answers as typed, not yet confirmed by the server (a draft on the device);
 *   outbox  {user, proposal, url, token, payload, attachments: [], queuedAt,
 *            state: "menunggu" | "login" | "konflik", code, message}
 *           a confirmed "Kirim" the server has not acknowledged yet. `attachments` stays
 *           empty here; photos are to travel in it later.
 * Older pages kept the copy in localStorage ("bantar:penilaian:<user>:<proposal>"):
 * ready() moves each one in and removes it from localStorage only once IndexedDB holds it.
 *
 * send(record) posts one outbox record with the token it was queued with (the server
 * answers a repeated token as it answered the first time, so a retry never makes a second
 * sheet) and says what happened: "sent" (the server echoed the token of a sent sheet),
 * "wait" (no connection, proxy error, database down: try again later), "login" (session
 * expired: try again after logging in) or "conflict" (refused: the server's `code` and
 * Indonesian `message` are kept on the record, which stays until the assessor resolves it).
 */
(function () {
  "use strict";

  var DB_NAME = "bantar-penilaian";
  var DB_VERSION = 1;
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
    return fetch(record.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken(),
        "X-Requested-With": "XMLHttpRequest"
      },
      body: JSON.stringify(record.payload)
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
    send: send,
    csrfToken: csrfToken
  };
})();
