"""Per-address limits on the public report endpoints (shared/api.md "Public reports").

Counters live in the cache (local memory, or Redis when REDIS_URL is set) in one-hour buckets;
a sliding hour is estimated from the current bucket plus the unexpired share of the previous
one, so a burst at the turn of the hour does not get twice the limit. cache.add + cache.incr
keep the count atomic on Redis and under LocMemCache's lock.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from casework.errors import DomainError

WINDOW_SECONDS = 3600


class RateLimited(DomainError):
    status = 429
    message = _("Too many attempts from your network; please try again in an hour.")


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or with N trusted proxies the N-th X-Forwarded-For entry from the right.

    X-Forwarded-For is never read when TRUSTED_PROXY_COUNT is 0: anyone can write it, and
    trusting it would let a client reset its own counters.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request bypassed a proxy; count it by the peer.
        return remote
    return forwarded[-proxies][:64]


def _keys(kind: str, address: str, now: float) -> tuple[str, str, float]:
    bucket = int(now // WINDOW_SECONDS)
    elapsed = (now % WINDOW_SECONDS) / WINDOW_SECONDS
    return f"public-report:{kind}:{address}:{bucket}", f"public-report:{kind}:{address}:{bucket - 1}", elapsed


def _count(kind: str, address: str) -> float:
    current, previous, elapsed = _keys(kind, address, time.time())
    counts = cache.get_many([current, previous])
    return counts.get(current, 0) + counts.get(previous, 0) * (1 - elapsed)


def _record(kind: str, address: str) -> None:
    current, _previous, _elapsed = _keys(kind, address, time.time())
    # Kept for two windows: the next hour still weighs this one.
    cache.add(current, 0, timeout=2 * WINDOW_SECONDS)
    try:
        cache.incr(current)
    except ValueError:  # expired between add and incr
        cache.add(current, 1, timeout=2 * WINDOW_SECONDS)


def submission_allowed(request) -> bool:
    return _count("submit", client_address(request)) < settings.PUBLIC_REPORT_SUBMISSIONS_PER_HOUR


def record_submission(request) -> None:
    _record("submit", client_address(request))


def lookup_blocked(request) -> bool:
    return _count("lookup-failed", client_address(request)) >= settings.PUBLIC_REPORT_FAILED_LOOKUPS_PER_HOUR


def record_failed_lookup(request) -> None:
    _record("lookup-failed", client_address(request))


def check_submission_allowed(request) -> None:
    if not submission_allowed(request):
        raise RateLimited()


def check_lookup_allowed(request) -> None:
    if lookup_blocked(request):
        raise RateLimited()
