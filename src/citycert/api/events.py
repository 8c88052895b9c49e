"""Events: upcoming public events for everyone, without a token; with a token, also the
members' events its owner may see (network members, organisers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError
from ninja.pagination import LimitOffsetPagination, paginate

from citycert.accounts import policy
from citycert.accounts.notifications import absolute
from citycert.events import queries
from citycert.events.models import Event

from .auth import token_auth
from .errors import errors
from .paging import Shaped
from .ratelimit import RateLimit
from .schemas import id_path

router = Router(tags=["Events"], throttle=RateLimit())


class EventOut(Schema):
    id: int
    title: str
    description: str
    kind: str = Field(..., description="webinar, sprint or office_hours.")
    starts_at: dt.datetime = Field(..., description="The start, in the event's time zone.")
    ends_at: dt.datetime
    time_zone: str = Field(..., description="The IANA name of the event's time zone.")
    language: str
    audience: str = Field(..., description="public, or members: for network members.")
    state: str = Field(..., description="scheduled or cancelled.")
    capacity: int | None
    registered: int
    waiting: int
    organiser: str | None = Field(..., description="The partner organisation; null: the program.")
    recording_url: str | None
    url: str
    calendar_url: str


def _person(request: HttpRequest) -> Any:
    """The token's owner, or the anonymous visitor when no token is sent; a token that is
    sent must be valid (401 otherwise)."""
    if "HTTP_AUTHORIZATION" not in request.META:
        return _Anonymous()
    if token_auth(request) is None:
        raise AuthenticationError
    return request.user


class _Anonymous:
    """Nobody: the API never reads the session cookie."""

    is_authenticated = False
    pk = None


def _shape(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "title": event.title,
        "description": event.description,
        "kind": event.kind,
        "starts_at": event.local_start,
        "ends_at": event.local_end,
        "time_zone": event.time_zone,
        "language": event.language,
        "audience": event.audience,
        "state": event.state,
        "capacity": event.capacity,
        "registered": getattr(event, "seated", 0),
        "waiting": getattr(event, "waiting", 0),
        "organiser": event.organiser.name if event.organiser else None,
        "recording_url": event.recording_url or None,
        "url": absolute(reverse("events:detail", args=[event.pk])),
        "calendar_url": absolute(reverse("events:calendar", args=[event.pk])),
    }


@router.get(
    "/events",
    response={200: list[EventOut], **errors(401, 422)},
    summary="Upcoming events",
)
@paginate(LimitOffsetPagination)
def list_events(request: HttpRequest) -> Any:
    """Events that have not ended yet, soonest first, cancelled ones too (their state says
    so). Without a token: public events; with one: also the members' events its owner may see."""
    return Shaped(queries.upcoming(_person(request)), _shape)


@router.get(
    "/events/{event_id}",
    response={200: EventOut, **errors(401, 404, 422)},
    summary="An event",
)
def get_event(request: HttpRequest, event_id: int = id_path()) -> dict[str, Any]:
    """One event, past or upcoming, if the caller may see it (404 otherwise)."""
    person = _person(request)
    found = queries.with_seats(queries.visible(person)).filter(pk=event_id).first()
    if found is None or not policy.event_can(person, policy.Action.VIEW_EVENT, found):
        raise Http404("No such event")
    return _shape(found)
