"""Input no page or operation can store, refused once, before any view runs; and a database
that cannot be reached, answered plainly.

- A NUL character (which PostgreSQL refuses in text) in the path, the query string or a posted
  form field is answered 400: the page in the site's layout, or the API's JSON error body.
- A form too large, with too many fields or a broken multipart body is answered 400 or 413 the
  same way, instead of Django's bare page.
- When the database cannot be reached, pages and the API answer 503 with Retry-After.
- Anonymous visitors may ask for PUBLIC_RATE_ANONYMOUS pages per address (generous: no person
  reads that fast); past it, 429 with Retry-After. The API keeps its own limits.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.translation import gettext as _

from citycert.ratelimit import client_address, count

log = logging.getLogger("citycert.guard")

TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError)
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER = "30"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _has_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


def refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    """The same refusal as a page in the layout, or as the API's error body."""
    if is_api(request):
        return JsonResponse(
            {"error": {"code": code, "message": message, "fields": {}}}, status=status
        )
    return render(request, "400.html", {"message": message, "status": status}, status=status)


def unavailable(request: HttpRequest) -> HttpResponse:
    message = _("The service is unavailable for a moment. Try again in a minute.")
    if is_api(request):
        response: HttpResponse = JsonResponse(
            {"error": {"code": "unavailable", "message": message, "fields": {}}}, status=503
        )
    else:
        response = render(request, "503.html", {"message": message}, status=503)
    response["Retry-After"] = RETRY_AFTER
    return response


def _nul_message() -> str:
    """Said when a request holds a NUL (translated only then: most requests never need it)."""
    return _("The request holds a NUL character, which no field accepts.")


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self.check(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        if "\x00" in request.path or _has_nul(
            value for values in request.GET.lists() for value in [values[0], *values[1]]
        ):
            return refusal(request, 400, "invalid", _nul_message())
        if request.method != "POST" or is_api(request):
            return None  # the API validates its own bodies, field by field
        try:
            posted = [value for key, values in request.POST.lists() for value in [key, *values]]
        except TOO_LARGE:
            return refusal(
                request,
                413,
                "too_large",
                _("What was sent is too large, or has too many fields."),
            )
        if _has_nul(posted):
            return refusal(request, 400, "invalid", _nul_message())
        return None

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        """Count an anonymous visitor's pages (by then the session is read: a made-up session
        cookie does not escape the count)."""
        rate = settings.PUBLIC_RATE_ANONYMOUS
        if not rate or is_api(request) or request.user.is_authenticated:
            return None
        allowed, wait = count(f"page:{client_address(request)}", rate)
        if allowed:
            return None
        response = render(request, "429.html", status=429)
        response["Retry-After"] = str(max(1, math.ceil(wait)))
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_DOWN):
            log.exception("the database could not be reached", exc_info=exception)
            return unavailable(request)
        return None
