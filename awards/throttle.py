"""Brute-force brake for the public verification page. Codes are 10 characters from a
31-letter alphabet, so guessing one is hopeless; this keeps anyone from trying at scale.

Only misses count (an unknown code): someone checking a pile of genuine certificates is
never slowed down. After VERIFY_MISS_LIMIT misses within VERIFY_MISS_WINDOW seconds, an
address gets 429 for every lookup until the window ends. The address is the trusted
client address (rt_registry.throttling.client_ip, TRUSTED_PROXY_COUNT). Counters live in
the database cache (settings.CACHES), which every worker process shares; its incr() is a
read and a write, so two misses at the same instant may count once — a brake, not a ledger.
"""

from django.conf import settings
from django.core.cache import cache

from rt_registry.throttling import client_ip

DEFAULT_LIMIT = 20
DEFAULT_WINDOW = 15 * 60


def limit():
    return getattr(settings, "VERIFY_MISS_LIMIT", DEFAULT_LIMIT)


def window():
    return getattr(settings, "VERIFY_MISS_WINDOW", DEFAULT_WINDOW)


def _key(request):
    return f"verify-miss:{client_ip(request)}"


def is_throttled(request):
    return cache.get(_key(request), 0) >= limit()


def record_miss(request):
    key = _key(request)
    # add() starts the window only once; incr() then counts within it.
    cache.add(key, 0, timeout=window())
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window())
