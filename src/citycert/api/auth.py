"""Who is calling: a personal API token in `Authorization: Bearer <token>`.

The API accepts tokens only, never the session cookie: a token is sent on purpose by a
program, so requests with it need no CSRF protection, and a page of another site can never
make a browser call the API with its owner's rights.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from auditlog.context import auditlog_value
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.security import HttpBearer

from citycert.accounts import policy
from citycert.accounts.models import ApiToken

from .errors import ApiError
from .ratelimit import client_address, count

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.objects.by_token(token.strip()) if token else None
        if found is None:
            # Guesses are limited per address: past the limit even a right token waits.
            allowed, wait = count(_guesses(request), settings.API_RATE_BAD_TOKEN)
            if not allowed:
                raise Throttled(wait=math.ceil(wait))
            return None  # 401
        allowed, wait = count(_guesses(request), settings.API_RATE_BAD_TOKEN, add=0)
        if not allowed:
            raise Throttled(wait=math.ceil(wait))
        user = found.user
        if policy.needs_mfa_setup(user):
            raise ApiError(
                403,
                "mfa_required",
                _("Program staff must turn on two-factor authentication to use the API."),
            )
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ApiError(
                403, "insufficient_scope", _("This token may only read: create a write token.")
            )
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = user
        _record_actor(user)
        return found


def _guesses(request: HttpRequest) -> str:
    return f"bad-token:{client_address(request)}"


def _record_actor(user: Any) -> None:
    """Let the audit trail name the token's owner as the author of the changes, as it does for
    a signed-in person (its middleware read the request's user before the token was seen)."""
    context = auditlog_value.get(None)
    if isinstance(context, dict):
        context["actor"] = user


token_auth = TokenAuth()
