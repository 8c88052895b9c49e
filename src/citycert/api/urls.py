"""/api/v1/: ninja's routes, with 404 and 405 answered in the API's error body too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _

from .api import api
from .errors import error_response

app_name = "api"


def _json_405(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
            allowed = response.get("Allow", "")
            response = error_response(
                405,
                "method_not_allowed",
                _("This address does not take %(method)s; it takes %(allowed)s.")
                % {"method": request.method, "allowed": allowed},
            )
            response["Allow"] = allowed
        return response

    return wrapped


def not_found(request: HttpRequest, rest: str = "") -> HttpResponseBase:
    return error_response(404, "not_found", _("There is nothing here."))


patterns, _app, _namespace = api.urls
urlpatterns: list[Any] = []
for pattern in patterns:
    if isinstance(pattern, URLPattern):
        pattern.callback = _json_405(pattern.callback)
    urlpatterns.append(pattern)
urlpatterns.append(re_path(r"^(?P<rest>.*)$", not_found, name="not_found"))
