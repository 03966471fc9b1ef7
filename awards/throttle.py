"""Brute-force brake for the public verification page. Codes are 10 characters from a
31-letter alphabet, so guessing one is hopeless; this keeps anyone from trying at scale.

Only misses count (an unknown code): someone checking a pile of genuine certificates is
never slowed down. After VERIFY_MISS_LIMIT misses within VERIFY_MISS_WINDOW seconds, an
address gets 429 for every lookup until the window ends. Counters live in Django's cache
(per process with the default local-memory cache, shared with Redis/Memcached/database).
"""

import ipaddress

from django.conf import settings
from django.core.cache import cache

DEFAULT_LIMIT = 20
DEFAULT_WINDOW = 15 * 60


def limit():
    return getattr(settings, "VERIFY_MISS_LIMIT", DEFAULT_LIMIT)


def window():
    return getattr(settings, "VERIFY_MISS_WINDOW", DEFAULT_WINDOW)


def client_address(request):
    """The caller's address. Behind our own reverse proxy (REMOTE_ADDR is loopback or
    private) it is the last X-Forwarded-For entry, the one our proxy appended; a client
    cannot forge that one. Otherwise X-Forwarded-For is ignored."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    try:
        behind_proxy = ipaddress.ip_address(remote).is_private
    except ValueError:
        behind_proxy = False
    if behind_proxy and forwarded:
        return forwarded.split(",")[-1].strip() or remote
    return remote


def _key(request):
    return f"verify-miss:{client_address(request)}"


def is_throttled(request):
    return cache.get(_key(request), 0) >= limit()


def record_miss(request):
    key = _key(request)
    # add() starts the window only once; incr() is atomic on shared caches.
    cache.add(key, 0, timeout=window())
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window())
