"""The events API: upcoming public events without a token; members' events with a member's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from citycert.accounts.models import ApiToken
from citycert.accounts.services import create_token
from citycert.assessments.models import NetworkMembership
from citycert.events import services
from citycert.events.models import Event
from tests import factories as f
from tests.events import make

pytestmark = pytest.mark.django_db


def bearer(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {create_token(user, 'events', ApiToken.Scope.READ).secret}"}


def test_it_lists_upcoming_public_events_without_a_token() -> None:
    sprint = make.event(
        title="Open budget sprint",
        starts_at=dt.datetime(2031, 3, 4, 15, tzinfo=dt.UTC),
        time_zone="America/Bogota",
        capacity=10,
    )
    services.register(sprint, f.person())
    make.event(title="Members only", audience=Event.Audience.MEMBERS)
    make.event(title="Long ago", starts_at=timezone.now() - dt.timedelta(days=3))
    response = Client().get("/api/v1/events")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["title"] == "Open budget sprint"
    assert item["starts_at"] == "2031-03-04T10:00:00-05:00"
    assert item["time_zone"] == "America/Bogota" and item["registered"] == 1
    assert item["calendar_url"].endswith(f"/events/{sprint.pk}/calendar.ics")


def test_a_members_token_also_sees_members_events() -> None:
    make.event(title="Members only", audience=Event.Audience.MEMBERS)
    member = f.person()
    NetworkMembership.objects.create(user=member)  # joined the network on their own
    titles = [
        e["title"] for e in Client().get("/api/v1/events", headers=bearer(member)).json()["items"]
    ]
    assert titles == ["Members only"]
    stranger = bearer(f.person())
    assert Client().get("/api/v1/events", headers=stranger).json()["count"] == 0


def test_one_event_is_found_only_by_those_who_may_see_it() -> None:
    members = make.event(audience=Event.Audience.MEMBERS)
    public = make.event(starts_at=timezone.now() - dt.timedelta(days=40))
    assert Client().get(f"/api/v1/events/{public.pk}").status_code == 200  # past ones too
    assert Client().get(f"/api/v1/events/{members.pk}").status_code == 404
    admin = f.person(admin=True, mfa=True)
    assert Client().get(f"/api/v1/events/{members.pk}", headers=bearer(admin)).status_code == 200
    assert Client().get("/api/v1/events/999999").json()["error"]["code"] == "not_found"


def test_a_wrong_token_is_refused_rather_than_ignored() -> None:
    response = Client().get("/api/v1/events", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_the_list_pages_through_in_a_bounded_number_of_queries(
    django_assert_max_num_queries,
) -> None:  # type: ignore[no-untyped-def]
    org = make.organisation()
    for n in range(30):
        make.event(organiser=org if n % 2 else None)
    with django_assert_max_num_queries(4):
        body = Client().get("/api/v1/events?limit=10&offset=20").json()
    assert body["count"] == 30 and len(body["items"]) == 10
