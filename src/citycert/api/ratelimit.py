"""The API's rate limits: a fixed window per token, and per client address for requests without
one (counted as citycert.ratelimit counts). A request over the limit is answered 429 with
Retry-After: the seconds until the window ends.
"""

from __future__ import annotations

import math
import threading

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from citycert.accounts.models import ApiToken
from citycert.ratelimit import client_address, count

__all__ = ["RateLimit", "client_address", "count"]


class RateLimit(BaseThrottle):
    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if isinstance(token, ApiToken):
            ident, rate = f"token:{token.pk}", settings.API_RATE_TOKEN
        else:
            ident, rate = f"addr:{client_address(request)}", settings.API_RATE_ANONYMOUS
        allowed, self._local.wait = count(ident, rate)
        return allowed

    def wait(self) -> float | None:
        return max(1, math.ceil(getattr(self._local, "wait", 1)))
