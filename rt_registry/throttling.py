"""Who is calling, and how many wrong passwords they may try.

`client_ip(request)` is the one answer to "which address is this request from", used by
django-axes (settings.AXES_CLIENT_IP_CALLABLE) and by the verification throttle
(awards/throttle.py). Each of our TRUSTED_PROXY_COUNT reverse proxies appends the address
it received the request from to X-Forwarded-For, so the client is the entry that many
places from the right; anything to its left was written by the client and is ignored.
With no proxy (0) X-Forwarded-For is ignored entirely.

`login_failure_limit(request, credentials)` is settings.AXES_FAILURE_LIMIT. Axes counts
failures per (username, address) and compares the largest count of its parameter sets
with *one* limit, so it cannot hold two limits. The pair keeps LOGIN_FAILURE_LIMIT (5);
the address check is here: once an address has LOGIN_ADDRESS_FAILURE_LIMIT failures
across all usernames within the cool-off time, its limit drops to 0 and every login from
it is refused until the cool-off ends.
"""

import ipaddress

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < count:
        # Our proxies did not all write their entry: a request that bypassed one. Only
        # REMOTE_ADDR cannot be forged.
        return remote
    candidate = hops[-count]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


def address_failures(ip_address):
    """Failed logins from this address within the cool-off time, over all usernames."""
    since = timezone.now() - get_cool_off()
    failures = AccessAttempt.objects.filter(
        ip_address=ip_address, attempt_time__gte=since
    ).aggregate(n=Sum("failures_since_start"))["n"]
    return failures or 0


def login_failure_limit(request, credentials=None):
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    if address_failures(ip_address) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return 0
    return settings.LOGIN_FAILURE_LIMIT
