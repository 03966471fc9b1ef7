/* Service worker of the assessor pages (scope /penilaian/), served by
 * assessments.offline_views.service_worker with its settings on the first line
 * (self.BANTAR_SW: version, static URLs, the user header, the list's address).
 *
 * - Static files: kept at install in "bantar-static-<version>", answered from there first.
 *   A new version installs beside the old one and waits; the page tells it to take over
 *   when the assessor leaves the page (assessor-app.js), so an open sheet never changes
 *   under their fingers. On taking over, it deletes the older static caches.
 * - Pages under /penilaian/: from the network first; each answer made for a logged-in
 *   assessor (the X-Bantar-Penilai header) is kept in that user's cache
 *   "bantar-halaman-u<id>", and that user becomes the tablet's current one. With no
 *   network, the current user's kept page answers; a redirect to the login page means
 *   nobody is logged in, and then no kept page is shown at all.
 * - POSTs (the saves) and everything else go to the network untouched.
 */
"use strict";

var SETTINGS = self.BANTAR_SW;
var STATIC_CACHE = "bantar-static-" + SETTINGS.version;
var PAGE_PREFIX = "bantar-halaman-u";
var META_CACHE = "bantar-meta";
var CURRENT_USER_KEY = SETTINGS.home + "__penilai-aktif";
var HASHED = /\.[0-9a-f]{12}(\.[A-Za-z0-9]+)$/;  // ManifestStaticFilesStorage's names

// URL path -> the current URL of the same logical file, hashed names included, so a page
// kept before an update still finds its stylesheet.
var currentUrl = {};
Object.keys(SETTINGS.static).forEach(function (name) {
  var url = new URL(SETTINGS.static[name], self.location.origin).pathname;
  currentUrl[url] = url;
  currentUrl[url.replace(HASHED, "$1")] = url;
});

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    return cache.addAll(Object.keys(SETTINGS.static).map(function (n) { return SETTINGS.static[n]; }));
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("bantar-static-") === 0 && name !== STATIC_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data === "skipWaiting") self.skipWaiting();
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.indexOf(SETTINGS.home) === 0) {
    event.respondWith(page(request, url));
    return;
  }
  var path = currentUrl[url.pathname] || currentUrl[url.pathname.replace(HASHED, "$1")];
  if (path) event.respondWith(staticFile(request, path));
});

function staticFile(request, path) {
  return caches.open(STATIC_CACHE).then(function (cache) {
    return cache.match(path, { ignoreVary: true, ignoreSearch: true });
  }).then(function (kept) {
    return kept || fetch(request);
  });
}

function setCurrentUser(user) {
  return caches.open(META_CACHE).then(function (cache) {
    if (!user) return cache.delete(CURRENT_USER_KEY);
    return cache.put(CURRENT_USER_KEY, new Response(user));
  });
}

function currentUser() {
  return caches.open(META_CACHE).then(function (cache) {
    return cache.match(CURRENT_USER_KEY);
  }).then(function (kept) { return kept ? kept.text() : null; });
}

function page(request, url) {
  return fetch(request).then(function (response) {
    var user = response.headers.get(SETTINGS.userHeader);
    if (response.ok && user) {
      var copy = response.clone();
      setCurrentUser(user);
      if (!url.search) {
        caches.open(PAGE_PREFIX + user).then(function (cache) { return cache.put(url.pathname, copy); });
      }
    } else if (response.type === "opaqueredirect" || response.redirected) {
      setCurrentUser(null);  // sent to the login page: nobody is logged in here
    }
    return response;
  }, function () {
    return keptPage(url);
  });
}

function keptPage(url) {
  return currentUser().then(function (user) {
    if (!user) return notice("Anda belum masuk", "Masuk dulu saat ada sinyal untuk membuka lembar penilaian di perangkat ini.");
    return caches.open(PAGE_PREFIX + user).then(function (cache) {
      return cache.match(url.pathname, { ignoreVary: true, ignoreSearch: true });
    }).then(function (kept) {
      return kept || notice("Halaman ini belum disiapkan untuk offline",
        "Halaman ini belum tersimpan di perangkat. Saat ada sinyal, buka daftar RT dan tekan " +
        "\"Siapkan untuk offline\".");
    });
  });
}

function notice(title, text) {
  var html = "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>" + title + " – Kampung BANTAR</title></head><body><main><h1>" + title +
    "</h1><p>" + text + "</p><p><a href=\"" + SETTINGS.home + "\">Daftar RT yang harus dinilai</a></p>" +
    "</main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
