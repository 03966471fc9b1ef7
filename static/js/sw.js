/* Service worker of the assessor pages (scope /penilaian/), served by
 * assessments.offline_views.service_worker with its settings on the first line
 * (self.BANTAR_SW: version, static URLs, the user and kept-at headers, the CSRF cookie's
 * name, the list's address).
 *
 * - Static files: kept at install in "bantar-static-<version>", answered from there first.
 *   A new version installs beside the old one and waits; the page tells it to take over
 *   when the assessor leaves the page (assessor-app.js), so an open sheet never changes
 *   under their fingers. On taking over, it deletes the older static caches.
 * - Pages under /penilaian/ (the list, the sheets), device first: a page kept for the
 *   tablet's current user opens from "bantar-halaman-u<id>" with no request at all, as long
 *   as the session is the one the pages were kept in (the CSRF cookie, which Django renews
 *   at every login, is the one recorded with the user: "bantar-meta"). The page itself
 *   checks an older copy against the server and offers "Muat ulang" (assessor-app.js).
 *   Otherwise (no copy, another login, a search, just after a form was posted) from the
 *   network; each answer made for a logged-in assessor (the X-Bantar-Penilai header) is
 *   kept in that user's cache, and that user becomes the tablet's current one. With no
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
var AFTER_POST_MS = 10 * 1000;
var postedAt = 0;  // a form posted in scope: the page it leads to carries its outcome

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
  if (event.data === "version" && event.source) {
    event.source.postMessage({ bantarWorker: SETTINGS.version });
  }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (request.mode === "navigate") postedAt = Date.now();
    return;
  }
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

// --- who the kept pages are for ----------------------------------------------------------

function csrfCookie() {
  if (!self.cookieStore) return Promise.resolve(null);
  return self.cookieStore.get(SETTINGS.csrfCookie).then(function (c) {
    return c ? c.value : null;
  }, function () { return null; });
}

// {user, csrf}: the tablet's current user and the CSRF cookie of the session the pages
// were kept in (written here and by assessor-app.js).
function currentMark() {
  return caches.open(META_CACHE).then(function (cache) {
    return cache.match(CURRENT_USER_KEY);
  }).then(function (kept) { return kept ? kept.text() : null; }).then(function (text) {
    if (!text) return null;
    try { return JSON.parse(text); } catch (e) { return { user: text, csrf: null }; }
  });
}

function setCurrentUser(user) {
  return caches.open(META_CACHE).then(function (cache) {
    if (!user) return cache.delete(CURRENT_USER_KEY);
    return csrfCookie().then(function (csrf) {
      return cache.put(CURRENT_USER_KEY, new Response(JSON.stringify({ user: user, csrf: csrf })));
    });
  });
}

function currentUser() {
  return currentMark().then(function (mark) { return mark ? mark.user : null; });
}

// The current user when this is still the session their pages were kept in, else null.
function sameSessionUser() {
  return Promise.all([currentMark(), csrfCookie()]).then(function (found) {
    var mark = found[0];
    var csrf = found[1];
    return mark && mark.csrf && csrf && mark.csrf === csrf ? mark.user : null;
  });
}

// --- pages -------------------------------------------------------------------------------

function page(request, url) {
  if (url.search || Date.now() - postedAt < AFTER_POST_MS) return fromNetwork(request, url);
  return sameSessionUser().then(function (user) {
    if (!user) return null;
    return caches.open(PAGE_PREFIX + user).then(function (cache) {
      return cache.match(url.pathname, { ignoreVary: true, ignoreSearch: true });
    });
  }).then(function (kept) {
    return kept || fromNetwork(request, url);
  });
}

function stamped(response) {
  // The time it was kept (device clock), which the page reads to decide when to check it.
  var headers = new Headers(response.headers);
  headers.set(SETTINGS.keptAtHeader, String(Date.now()));
  return response.blob().then(function (body) {
    return new Response(body, { status: response.status, statusText: response.statusText,
      headers: headers });
  });
}

function fromNetwork(request, url) {
  return fetch(request).then(function (response) {
    var user = response.headers.get(SETTINGS.userHeader);
    var done = null;
    if (response.ok && user) {
      var copy = response.clone();
      // Kept before the page gets it: the page's check finds this copy, not an older one.
      done = Promise.all([setCurrentUser(user), url.search ? null :
        caches.open(PAGE_PREFIX + user).then(function (cache) {
          return stamped(copy).then(function (kept) { return cache.put(url.pathname, kept); });
        })]);
    } else if (response.type === "opaqueredirect" || response.redirected) {
      done = setCurrentUser(null);  // sent to the login page: nobody is logged in here
    }
    return Promise.resolve(done).catch(function () {}).then(function () { return response; });
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
