"""The assessor's pages as an installable offline app: what the tablet keeps.

Two kinds of things are kept on the tablet, in two caches the service worker
(static/js/sw.js) manages:
- the static files of the assessor pages (`APP_STATIC_FILES`), in a cache named after
  `app_version()`, a hash of those files and of the worker itself: any change to one makes
  a new worker, which the browser installs beside the old one and uses from the next page;
- the assessor's own pages (`offline_urls(user)`: the list and every assigned sheet), in
  a cache keyed by the user's id, dropped when they log out. Nothing here lists a page of
  an RT the user is not assigned to.

A kept page opens from the device with no request at all while it is younger than
`FRESH_SECONDS`; an older one still opens from the device at once and is fetched again
in the background, and the page offers "Muat ulang" when the server's copy differs
(`content_version`: the page without its per-response CSRF token). The app refreshes a
kept page itself whenever it learns the server changed it (a draft saved, a sheet sent
or refused), and every kept page on each online visit of the list (assessor-app.js).
"""

import functools
import hashlib
import json
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

# Everything the list and the sheet load besides their HTML (templates/base.html and
# templates/assessments/*); a file missing here would be missing offline.
APP_STATIC_FILES = [
    "vendor/bootstrap/bootstrap.min.css",
    "js/nav.js",
    "css/bantar.css",
    "css/scoring.css",
    "js/device-store.js",
    "js/assessor-app.js",
    "js/sheet-evidence.js",
    "js/scoring.js",
    "img/favicon.ico",
    "img/icons/favicon-32.png",
    "img/icons/icon-192.png",
]
SERVICE_WORKER_SOURCE = "js/sw.js"
# A response header naming the user a page was made for: the service worker files the
# page under that user's cache, never under whoever used the tablet before.
USER_HEADER = "X-Bantar-Penilai"
# A response header with content_version(): the tablet compares a kept page with the
# server's without comparing bytes that differ on every response.
CONTENT_HEADER = "X-Bantar-Isi"
# Set by the tablet (not the server) on a page it keeps: when it was fetched, device time.
KEPT_AT_HEADER = "X-Bantar-Disimpan"
# A kept page younger than this opens with no request; an older one is checked in the
# background after it opens.
FRESH_SECONDS = 120
# How long the browser takes the worker's script from its own cache when it looks for a
# new version (at each page): a deploy reaches the tablets within this time.
WORKER_MAX_AGE_SECONDS = 60 * 60
_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


def _read(name):
    path = finders.find(name)
    if path is None:
        raise FileNotFoundError(f"Static file {name} not found")
    with open(path, "rb") as handle:
        return handle.read()


def _version():
    digest = hashlib.sha256()
    for name in [*APP_STATIC_FILES, SERVICE_WORKER_SOURCE]:
        digest.update(name.encode())
        digest.update(_read(name))
    return digest.hexdigest()[:12]


_cached_version = functools.cache(_version)


def app_version():
    """A hash of the precached files and the worker: it names the static cache."""
    # With DEBUG on the files change under a running server; in production they don't.
    return _version() if settings.DEBUG else _cached_version()


def static_urls():
    """{logical name: URL as the pages write it} (hashed names in production)."""
    return {name: static(name) for name in APP_STATIC_FILES}


def service_worker_source():
    """The worker: its settings as a first line, then static/js/sw.js as written."""
    settings_ = _json(
        {
            "version": app_version(),
            "static": static_urls(),
            "userHeader": USER_HEADER,
            "keptAtHeader": KEPT_AT_HEADER,
            "csrfCookie": settings.CSRF_COOKIE_NAME,
            "home": reverse("assessments:assessor-home"),
        }
    )
    return f"self.BANTAR_SW = {settings_};\n" + _read(SERVICE_WORKER_SOURCE).decode()


def content_version(content):
    """A short hash of a page as the user sees it: the masked CSRF token, different in
    every response, is left out."""
    return hashlib.sha256(_CSRF_FIELD.sub(b"", content)).hexdigest()[:16]


def _json(value):
    # Escaped as json_script does: the worker is JavaScript, "<" must not end anything.
    return json.dumps(value, separators=(",", ":"), sort_keys=True).replace("<", "\\u003c")


def offline_urls(proposals):
    """The pages to keep for an assessor: their list, then one sheet per assigned RT
    (`proposals` is their assigned_proposals(), conflicts left out: no sheet to open)."""
    return {
        "home": reverse("assessments:assessor-home"),
        "sheets": [
            {
                "proposal": p.pk,
                "url": reverse("assessments:scoring-sheet", args=[p.pk]),
                "label": f"RT {p.rt_number:02d} {p.kelurahan_name}",
            }
            for p in proposals
            if not p.has_conflict
        ],
    }


def web_manifest():
    """The install manifest: name, start page, icons (Indonesian)."""
    home = reverse("assessments:assessor-home")
    return {
        "name": "Penilaian Kampung BANTAR",
        "short_name": "Penilaian BANTAR",
        "description": "Lembar penilaian Lomba Kampung BANTAR Kota Jambi untuk Tim Penilai.",
        "lang": "id",
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1b5e20",
        "icons": [
            {"src": static("img/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("img/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
