"""Learning resources: the published ones, filtered as on /learn/. Public resources are read
without a token; those for network members need the token of a network member (to anyone
else they do not exist: 404)."""

import datetime as dt
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import field_validator

from citycert.learning import queries
from citycert.learning.models import Resource, State
from citycert.standards.models import StandardVersion

from .auth import token_auth
from .errors import ApiError, errors
from .paging import Shaped
from .schemas import CODE, id_path

router = Router(tags=["Learning"])


class CriterionRefOut(Schema):
    standard: str
    code: str


class ResourceOut(Schema):
    id: int
    title: str
    summary: str
    url: str
    kind: Literal["guide", "template", "example", "course", "sprint", "recording"]
    languages: list[str]
    organisation: str | None = Field(..., description="The partner offering it; null: the program.")
    audience: Literal["public", "members"]
    published_at: dt.datetime | None
    criteria: list[CriterionRefOut]
    areas: list[CriterionRefOut]


class ResourceDetailOut(ResourceOut):
    body: str


class ResourceFilters(Schema):
    q: str = Field("", max_length=100, description="Words of the title, summary or partner.")
    standard: str | None = Field(
        None, pattern=CODE, description="Version the criterion and area codes are read in."
    )
    criterion: str | None = Field(
        None,
        pattern=CODE,
        description="A criterion code; resources linked to its predecessors count too.",
    )
    area: str | None = Field(None, pattern=CODE, description="A practice area code.")
    kind: Literal["guide", "template", "example", "course", "sprint", "recording"] | None = None
    language: Literal["en", "es", "pt", "fr"] | None = None

    @field_validator("q")
    @classmethod
    def _storable(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("Text must not contain NUL characters.")
        return value


def _reader(request: HttpRequest) -> Any:
    """The person calling: anonymous without a token; the token's owner with one. A token
    that is not one is refused (401), never read as anonymous."""
    if not request.headers.get("Authorization"):
        return AnonymousUser()
    found = token_auth(request)
    if found is None:
        raise AuthenticationError
    return found.user


def _refs(rows: Any) -> list[dict[str, str]]:
    return [{"standard": r.version.code, "code": r.code} for r in rows]


def _resource(resource: Resource) -> dict[str, Any]:
    return {
        "id": resource.pk,
        "title": resource.title,
        "summary": resource.summary,
        "url": resource.url,
        "kind": resource.kind,
        "languages": resource.language_codes,
        "organisation": resource.organisation.name if resource.organisation else None,
        "audience": resource.audience,
        "published_at": resource.published_at,
        "criteria": _refs(resource.criteria.all()),
        "areas": _refs(resource.areas.all()),
    }


@router.get(
    "/resources",
    response={200: list[ResourceOut], **errors(401, 422)},
    summary="Learning resources",
)
@paginate(LimitOffsetPagination)
def list_resources(request: HttpRequest, filters: Query[ResourceFilters]) -> Any:
    """The published learning resources the caller may read, newest first, with the filters
    of the site's list. Members-only resources are listed for a network member's token."""
    reader = _reader(request)
    version = (
        StandardVersion.objects.filter(code=filters.standard).first()
        if filters.standard
        else queries.current_version()
    )
    if filters.standard and version is None:
        raise ApiError(
            422, "invalid", _("No such Standard version."), {"standard": [_("Unknown version.")]}
        )
    found = queries.search(
        reader,
        queries.Filters(
            version=version,
            criterion=filters.criterion or "",
            area=filters.area or "",
            kind=filters.kind or "",
            language=filters.language or "",
            q=filters.q,
        ),
    ).prefetch_related("criteria__version", "areas__version")
    return Shaped(found, _resource)


@router.get(
    "/resources/{id}",
    response={200: ResourceDetailOut, **errors(401, 404, 422)},
    summary="A learning resource",
)
def get_resource(request: HttpRequest, id: int = id_path()) -> dict[str, Any]:
    """One published resource, with its description."""
    found = queries.readable(_reader(request), id)
    if found is None or found.state != State.PUBLISHED:
        raise Http404("No such resource")
    return {**_resource(found), "body": found.body}
