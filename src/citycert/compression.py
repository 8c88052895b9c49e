"""Compressing responses, only where compression cannot leak a secret.

BREACH: an attacker who can make a victim's browser request a page many times, with text of
the attacker's choosing reflected in it, can learn a secret in the same compressed response
(a CSRF token, personal data) from the compressed sizes. So a response is compressed only when
it holds no secret for the person asking:
- nobody is signed in, and the request carried no session (the page is the one anyone gets);
- the CSRF token was not used to build it (no form with a token on it);
- it is not marked private.
Public pages, badges, maps, open data and the API's JSON (sent without a session) qualify; pages
for signed-in people, forms and everything private do not. Static files are compressed ahead of
time by WhiteNoise and are not touched here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

#: What is worth compressing (images and archives are compressed already).
COMPRESSIBLE = (
    "text/html",
    "application/json",
    "application/geo+json",
    "image/svg+xml",
    "text/csv",
    "text/plain",
)


def may_compress(request: HttpRequest, response: HttpResponseBase) -> bool:
    """Whether `response` carries nothing secret for the person asking (see the module)."""
    if response.streaming or response.has_header("Content-Encoding"):
        return False
    if response.get("Content-Type", "").split(";")[0].strip() not in COMPRESSIBLE:
        return False
    if request.META.get("CSRF_COOKIE_USED") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return "private" not in response.get("Cache-Control", "")


class PublicGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its length padding against BREACH) for responses that hold no
    secret; the others go out as they are."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not may_compress(request, response):
            return response
        return super().process_response(request, response)  # adds Vary: Accept-Encoding
