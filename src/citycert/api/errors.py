"""One error body for every error the API answers:

    {"error": {"code": "...", "message": "...", "fields": {"name": ["message", ...]}}}

`code` is stable and meant for programs; `message` is for people (in the request's language);
`fields` names the fields a validation error is about, and is empty otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from citycert import guard
from citycert.accounts.services import TeamError
from citycert.assessments.evidence_files import EvidenceFileError
from citycert.assessments.services import AssessmentError, ConflictError
from citycert.reviews.history import HistoryError
from citycert.reviews.services import ReviewError

if TYPE_CHECKING:
    from ninja import NinjaAPI


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class ErrorBody(Schema):
    error: ErrorDetail


class ApiError(Exception):
    """An error the API answers with its own status, code and message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: Mapping[str, Iterable[str]] | None = None,
    ):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = {name: list(msgs) for name, msgs in (fields or {}).items()}


def body(code: str, message: str, fields: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": dict(fields or {})}}


def error_response(
    status: int, code: str, message: str, fields: Mapping[str, list[str]] | None = None
) -> HttpResponse:
    return JsonResponse(body(code, message, fields), status=status)


#: The errors every operation can answer, whatever it does.
COMMON = (429,)
#: ... and those of every operation that needs a token.
AUTHENTICATED = (401, 403, 429)


def errors(*statuses: int) -> dict[int, type[ErrorBody]]:
    """The `response=` entries declaring these error statuses with the error body."""
    return dict.fromkeys(sorted(set(statuses) | set(COMMON)), ErrorBody)


def _field_name(loc: Iterable[Any]) -> str:
    """The field a validation error is about, as the client named it: `items.0`, `limit`."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "payload":  # the name of every body parameter here
        parts = parts[1:]
    return ".".join(parts) or "request"


def validation_fields(errors_: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors_:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg", "")))
    return fields


def install(api: NinjaAPI) -> None:
    """Answer every error with the one error body."""

    def handler(
        status: int, code: str, message: Callable[[Any], str]
    ) -> Callable[[HttpRequest, Any], HttpResponse]:
        return lambda request, exc: error_response(status, code, message(exc))

    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            422,
            "invalid",
            _("Some fields are not valid: see “fields”."),
            validation_fields(exc.errors),
        )

    def not_authenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(
            401,
            "not_authenticated",
            _("Send a valid API token: Authorization: Bearer <token>."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="citycert"'
        return response

    def throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        response = error_response(
            429, "rate_limited", _("Too many requests: wait as Retry-After says, then try again.")
        )
        if getattr(exc, "wait", None):
            response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        return response

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(exc.status_code, "error", str(exc))

    def api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    def conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        current = exc.current
        who = str(current.updated_by) if current.updated_by else _("someone else")
        return error_response(
            409,
            "conflict",
            _(
                "%(who)s saved this answer since you read it; it is now at version %(version)s. "
                "Read it again and send your change with that version."
            )
            % {"who": who, "version": current.version},
            {"version": [str(current.version)]},
        )

    def evidence_file(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(400, "refused", exc.message, {"file": [exc.message]})

    def history(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(400, "refused", str(exc), {"cohort": list(exc.errors)})

    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(
        Http404, handler(404, "not_found", lambda exc: _("There is nothing here."))
    )
    api.add_exception_handler(
        PermissionDenied,
        handler(403, "forbidden", lambda exc: _("Your token does not allow this.")),
    )

    def too_large(request: HttpRequest, exc: Any) -> HttpResponse:
        return error_response(
            413, "too_large", _("What was sent is too large, or has too many fields.")
        )

    def database_down(request: HttpRequest, exc: Any) -> HttpResponse:
        return guard.unavailable(request)

    for large in guard.TOO_LARGE:
        api.add_exception_handler(large, too_large)
    for down in guard.DATABASE_DOWN:
        api.add_exception_handler(down, database_down)
    api.add_exception_handler(ConflictError, conflict)
    api.add_exception_handler(EvidenceFileError, evidence_file)
    api.add_exception_handler(HistoryError, history)
    for refused in (AssessmentError, ReviewError, TeamError):
        api.add_exception_handler(refused, handler(400, "refused", str))
