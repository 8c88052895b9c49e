"""Fixed-window rate limits, counted in Django's cache (Redis in production through CACHE_URL,
so that every server process shares the counts). The API limits tokens and addresses with
them (api/ratelimit.py); pages limit anonymous visitors per address (guard.py)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'60/min' -> (60, 60): requests allowed, window in seconds."""
    count, _sep, period = rate.partition("/")
    try:
        return int(count), _PERIODS[period.strip()]
    except (KeyError, ValueError):
        raise ValueError(f"a rate is 'N/s', 'N/min', 'N/hour' or 'N/day', not {rate!r}") from None


def client_address(request: HttpRequest) -> str:
    """The caller's address; behind API_PROXY_COUNT trusted proxies, the one they saw."""
    proxies = settings.API_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return str(hops[-min(proxies, len(hops))])
    return str(request.META.get("REMOTE_ADDR", ""))


def count(ident: str, rate: str, add: int = 1) -> tuple[bool, float]:
    """Count `add` requests of `ident` in the current window of `rate`; whether it is still
    within the limit, and the seconds until the window ends."""
    limit, window = parse_rate(rate)
    now = time.time()
    current = int(now // window)
    key = f"api-rate:{ident}:{window}:{current}"
    cache.add(key, 0, timeout=window + 1)
    try:
        seen = cache.incr(key, add) if add else int(cache.get(key) or 0)
    except ValueError:  # expired between add and incr
        cache.add(key, add, timeout=window + 1)
        seen = add
    return seen <= limit, (current + 1) * window - now
