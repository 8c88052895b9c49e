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

What becomes a key is bounded, so that nobody can fill the cache by asking for made-up
addresses: a view names the query parameters it reads (`params`), and only those, in a fixed
order, make the key; anything else in the query string is ignored (and the view ignores it too).
A response is kept only when the view says it is worth keeping (`keep`): not for filters that
did not validate, a page number out of range, a search that found nothing, or a search longer
than PUBLIC_CACHE_QUERY_MAX characters.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags
from django.utils.translation import get_language, get_language_from_request

from . import cdn, local
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
    current = local.cached_revision()
    if current is None:
        current = cache.get(REVISION_KEY)
        if current is None:
            row = Revision.objects.values_list("number", "changed_at").first()
            current = f"{row[0]}.{row[1].timestamp():.6f}" if row else "0"
            cache.set(REVISION_KEY, current, settings.PUBLIC_REVISION_TTL)
        local.keep_revision(current)
    return f"{current}.{timezone.localdate():%Y%m%d}"


def has_state(request: HttpRequest) -> bool:
    """Whether a page may differ for this visitor: a session (perhaps signed in) or messages
    waiting (a page saying "you have signed out" must never reach someone else)."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies


#: The longest value of any parameter that may become part of a key.
MAX_VALUE = 100


def known_query(
    request: HttpRequest, params: tuple[str, ...], *, bounded: bool = True
) -> str | None:
    """The query string made of the parameters a view reads (first value of each, stripped,
    in the order `params` gives); `bounded`, None when one is too long to be worth a key."""
    known = []
    given = request.GET
    for name in params:
        value = given.get(name, "").strip()
        if bounded and len(value) > (settings.PUBLIC_CACHE_QUERY_MAX if name == "q" else MAX_VALUE):
            return None
        if value:
            known.append((name, value))
    return urlencode(known)


def _tag(kind: str, language: str, request: HttpRequest, query: str) -> str:
    digest = hashlib.blake2b(
        "\x1f".join((revision(), kind, language, request.path, query)).encode(),
        digest_size=12,
    ).hexdigest()
    return f'"{digest}"'


def surrogate_keys(request: HttpRequest) -> str:
    """The Surrogate-Key header of a shared response: PUBLIC_SURROGATE_KEY (every public
    response, purged at once when the revision changes) and the kind of resource ("badge",
    "map", "data", "cohorts"), so that a CDN can purge one kind without the others."""
    kind = request.path.strip("/").split("/", 1)[0]
    kind = {"cities": "map"}.get(kind, kind)
    return f"{settings.PUBLIC_SURROGATE_KEY} {kind}"


def dont_keep(response: HttpResponse) -> HttpResponse:
    """Mark a response of a `public_response` view as not worth keeping (the view decides:
    filters that did not validate, a search that found nothing, ...)."""
    response.public_keep = False  # type: ignore[attr-defined]
    return response


def public_response(
    *, shared: bool = False, params: tuple[str, ...] = ()
) -> Callable[[View], View]:
    """Make a GET view's responses cacheable for the current public revision. `params` names
    the query parameters the view reads; the others make no difference to it, nor to the key."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            # What the page may link back to (the language form): what the view reads only.
            everything = known_query(request, params, bounded=False)
            request.public_path = request.path + (f"?{everything}" if everything else "")  # type: ignore[attr-defined]
            if not shared and (has_state(request) or request.user.is_authenticated):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_cache=True)
                return response
            query = known_query(request, params)
            if query is None:  # a value too long to be worth keeping: made afresh
                response = view(request, *args, **kwargs)
                patch_cache_control(response, public=True, no_cache=True)
                return response
            kind = SHARED if shared else PAGE
            tag = _tag(kind, "" if shared else (get_language() or ""), request, query)
            if tag in parse_etags(request.headers.get("If-None-Match", "")):
                response = HttpResponseNotModified()
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                if not getattr(response, "public_keep", True):
                    patch_cache_control(response, public=True, no_cache=True)
                    return response
                response.public_cache = (kind, tag)  # type: ignore[attr-defined]
            response["ETag"] = tag
            cdn.mark(response)
            if shared:
                patch_cache_control(response, public=True, max_age=settings.PUBLIC_MAX_AGE)
            else:
                patch_cache_control(response, public=True, no_cache=True)
            return response

        wrapper.public_params = params  # type: ignore[attr-defined]
        return wrapper

    return decorate


class PublicCacheMiddleware:
    """Serves and stores the responses `public_response` marked (see the module's doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = self._key(request)
        if key is not None:
            # This process's own copy first (no round trip), then the shared cache.
            stored = local.get(key)
            if stored is None:
                stored = cache.get(key)
                if stored is not None:
                    local.put(key, stored, len(stored[0]))
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
                response["Surrogate-Key"] = surrogate_keys(request)
            if key is not None and not response.cookies and not response.streaming:
                stored = (response.content, dict(response.items()))
                cache.set(key, stored, settings.PUBLIC_CACHE_SECONDS)
                local.put(key, stored, len(response.content))
        return response

    @staticmethod
    def _key(request: HttpRequest) -> str | None:
        if request.method not in ("GET", "HEAD") or not request.path.startswith(PREFIXES):
            return None
        shared = request.path.endswith(SHARED_SUFFIXES)
        if not shared and has_state(request):
            return None  # pages are kept for visitors without a session only
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return None
        params = getattr(view, "public_params", None)
        query = known_query(request, params) if params is not None else None
        if query is None:
            return None
        if shared:
            return "public:r:" + _tag(SHARED, "", request, query).strip('"')
        language = get_language_from_request(request)
        return "public:r:" + _tag(PAGE, language, request, query).strip('"')

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
