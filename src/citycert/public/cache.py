"""Caching of public responses, keyed by the public revision.

Public data changes only when certifications are published or corrected, or a city edits its
profile; each such change raises `Revision`. A cached response belongs to one revision, so it is
never stale past the short time a process trusts its copy of the revision number
(PUBLIC_REVISION_TTL seconds; with a shared cache such as Redis the copy is dropped at once).

Views opt in with `public_response`, which gives the response an ETag (so a client holding the
current version gets a 304 without any work) and a Cache-Control, and marks it for
`PublicCacheMiddleware` to keep. That middleware is the outermost one: it stores the final
response, with every header the other middleware added, and serves the next identical request
before any other middleware or the view runs. Two kinds of response are kept:
- shared ones (badges, open data): the same for everyone in every language, sent without
  cookies or Vary, with a Cache-Control that lets a CDN keep them;
- pages: for anonymous visitors without a session or messages waiting, one copy per language.
  Anyone else gets a page made for them (the header names the signed-in person).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import get_language, get_language_from_request

from .models import Revision
from .services import REVISION_KEY

View = Callable[..., HttpResponse]
SHARED, PAGE = "shared", "page"
#: Paths whose responses may be cached; others are not looked up.
PREFIXES = ("/cities/", "/stats/", "/cohorts/", "/badge/", "/data/")
#: Suffixes of shared (language-independent) responses.
SHARED_SUFFIXES = (".svg", ".json", ".csv", ".geojson")


def revision() -> str:
    """The current public revision: its number and when it changed (so that a database
    restored from a backup, whose number went back, does not meet responses cached later),
    and today's date: a certification that ends, or whose grace period ends, changes what
    public pages say with no write to the database."""
    current = cache.get(REVISION_KEY)
    if current is None:
        row = Revision.objects.values_list("number", "changed_at").first()
        current = f"{row[0]}.{row[1].timestamp():.6f}" if row else "0"
        cache.set(REVISION_KEY, current, settings.PUBLIC_REVISION_TTL)
    return f"{current}.{timezone.localdate():%Y%m%d}"


def has_state(request: HttpRequest) -> bool:
    """Whether a page may differ for this visitor: a session (perhaps signed in) or messages
    waiting (a page saying "you have signed out" must never reach someone else)."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies


def _tag(kind: str, language: str, request: HttpRequest) -> str:
    digest = hashlib.blake2b(
        "\x1f".join((revision(), kind, language, request.get_full_path())).encode(),
        digest_size=12,
    ).hexdigest()
    return f'"{digest}"'


def public_response(*, shared: bool = False) -> Callable[[View], View]:
    """Make a GET view's responses cacheable for the current public revision."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if not shared and (has_state(request) or request.user.is_authenticated):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_cache=True)
                return response
            kind = SHARED if shared else PAGE
            tag = _tag(kind, "" if shared else (get_language() or ""), request)
            if tag in parse_etags(request.headers.get("If-None-Match", "")):
                response = HttpResponseNotModified()
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                response.public_cache = (kind, tag)  # type: ignore[attr-defined]
            response["ETag"] = tag
            if shared:
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
            else:
                patch_cache_control(response, public=True, no_cache=True)
            return response

        return wrapper

    return decorate


class PublicCacheMiddleware:
    """Serves and stores the responses `public_response` marked (see the module's doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self._key(request)
        if key is not None:
            stored = cache.get(key)
            if stored is not None:
                return self._replay(request, *stored)
        response = self.get_response(request)
        marked = getattr(response, "public_cache", None)
        if marked is not None:
            kind, _tag_value = marked
            if kind == SHARED:
                if response.has_header("Vary"):
                    del response["Vary"]
                response.cookies.clear()
            if key is not None and not response.cookies and not response.streaming:
                cache.set(
                    key, (response.content, dict(response.items())), settings.PUBLIC_CACHE_SECONDS
                )
        return response

    @staticmethod
    def _key(request: HttpRequest) -> str | None:
        if request.method not in ("GET", "HEAD") or not request.path.startswith(PREFIXES):
            return None
        if request.path.endswith(SHARED_SUFFIXES):
            return "public:r:" + _tag(SHARED, "", request).strip('"')
        if has_state(request):
            return None
        language = get_language_from_request(request)
        return "public:r:" + _tag(PAGE, language, request).strip('"')

    @staticmethod
    def _replay(request: HttpRequest, content: bytes, headers: dict[str, str]) -> HttpResponse:
        if headers.get("ETag") in parse_etags(request.headers.get("If-None-Match", "")):
            response: HttpResponse = HttpResponseNotModified()
            for name in ("ETag", "Cache-Control", "Vary"):
                if name in headers:
                    response[name] = headers[name]
            return response
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response
