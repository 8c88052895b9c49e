"""What a save tells the person: the version the next save sends, a claim short of checklist
items (saved, not met, and said so), and when it was saved, in the city's time zone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from citycert.assessments import scores, services
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
HTMX = {"HX-Request": "true"}
CORDOBA = "America/Argentina/Cordoba"


@pytest.fixture
def team(db: None):  # type: ignore[no-untyped-def]
    c = f.city("Córdoba", "AR", timezone=CORDOBA)
    lead = f.lead(c, f.person(name="Maria")).user
    assessment = services.start(c, lead, carry_forward=False)
    client = Client()
    client.force_login(lead, backend=BACKEND)
    return c, lead, assessment, client


def url(c, code: str = "DM1") -> str:  # type: ignore[no-untyped-def]
    return f"/my/cities/{c.slug}/assessment/criteria/{code}/"


def test_a_conflict_leaves_the_version_the_next_save_sends_as_it_was(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment, client = team
    dm1 = assessment.answers.get(criterion__code="DM1")
    services.save_answer(
        dm1, version=1, status="not_met", items=[], narrative="Jorge", links=[], by=lead
    )
    stale = client.post(url(c), {"version": 1, "status": "claimed", "items": ["a"]}, headers=HTMX)
    assert stale.status_code == 409
    # Taking their version silently would let the next autosave overwrite their answer.
    assert 'name="version"' not in stale.text


def test_a_claim_short_of_checklist_items_is_saved_with_a_warning_and_not_met(team) -> None:  # type: ignore[no-untyped-def]
    c, _, assessment, client = team
    saved = client.post(url(c), {"version": 1, "status": "claimed", "items": ["a"]}, headers=HTMX)
    assert saved.status_code == 200
    assert "1 of 3 items needed" in saved.text
    assert "counts as not met" in saved.text
    dm1 = assessment.answers.get(criterion__code="DM1")
    assert (dm1.status, dm1.items) == ("claimed", ["a"])
    assert scores.score(assessment).points == 0
    assert "Score so far: 0 of 43 criteria met" in saved.text

    page = client.get(url(c)).text
    assert "1 of 3 items needed" in page
    overview = client.get(f"/my/cities/{c.slug}/assessment/").text
    assert "One claim has fewer checklist items than its criterion needs" in overview
    assert f'href="{url(c)}">DM1</a>: 1 of 3 items needed' in overview

    enough = client.post(
        url(c), {"version": 2, "status": "claimed", "items": ["a", "b", "c"]}, headers=HTMX
    )
    assert "items needed" not in enough.text
    assert scores.score(assessment).points == 1
    assert "fewer checklist items" not in client.get(f"/my/cities/{c.slug}/assessment/").text


def test_the_save_says_when_in_the_city_s_time_zone(team) -> None:  # type: ignore[no-untyped-def]
    c, _, assessment, client = team
    saved = client.post(
        url(c), {"version": 1, "status": "not_met"}, headers={**HTMX, "Accept-Language": "es"}
    )
    dm1 = assessment.answers.get(criterion__code="DM1")
    there = dm1.updated_at.astimezone(dt.timezone(dt.timedelta(hours=-3)))
    assert f"Guardado a las {there:%H:%M} ({CORDOBA})" in saved.text


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "Last saved 2 March 2026, 12:00 -03 (America/Argentina/Cordoba) by Maria"),
        ("fr", "2 mars 2026, 12:00 -03"),
    ],
)
def test_the_page_says_when_it_was_last_saved_and_by_whom(team, language: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment, client = team
    dm1 = assessment.answers.get(criterion__code="DM1")
    services.save_answer(
        dm1, version=1, status="not_met", items=[], narrative="", links=[], by=lead
    )
    type(dm1).objects.filter(pk=dm1.pk).update(
        updated_at=dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    )
    client.post("/i18n/setlang/", {"language": language})
    page = client.get(url(c)).text
    assert shown in page


def test_a_city_without_a_known_time_zone_shows_utc(db: None) -> None:
    assert f.city("Nowhere", timezone="").time_zone == "UTC"
    assert f.city("Elsewhere", timezone="Not/AZone").time_zone == "UTC"
    assert f.city("Rosario", timezone=CORDOBA).time_zone == CORDOBA
