"""Re-certification as a first-class path: the same reviewer (or another) reviews the city's next
assessment, and the decision is announced as re-certified, moved up, moved down, or not
re-certified; the profile, badge, cohort, open data and statistics each say so."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from citycert.assessments import services
from citycert.public.models import Listing
from citycert.reviews.models import Certification, Cohort
from citycert.standards.models import StandardVersion
from tests import factories as f
from tests.reviews.cycles import assessed, cycle, reviewed

pytestmark = pytest.mark.usefixtures("published_cleanup", "standard")


@pytest.fixture
def people():  # type: ignore[no-untyped-def]
    c = f.city("Recertville", "US")
    lead = f.lead(c).user
    return c, lead, f.person(reviewer=True, mfa=True), f.person(admin=True, mfa=True)


def events(city) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return list(
        Certification.objects.filter(city=city, published_at__isnull=False)
        .order_by("cohort__label")
        .values_list("cohort__label", "event", "level")
    )


@pytest.mark.parametrize(
    ("first", "second", "event", "label"),
    [
        ("silver", "silver", "recertified", "Re-certified"),
        ("silver", "gold", "level_up", "Moved up a level"),
        ("gold", "silver", "level_down", "Moved down a level"),
    ],
)
def test_the_same_reviewer_re_certifies_a_city_and_the_public_sees_the_event(
    people, first: str, second: str, event: str, label: str
) -> None:  # type: ignore[no-untyped-def]
    c, lead, reviewer, admin = people
    cycle(c, lead, reviewer, admin, level=first, cohort="2025-06")
    cycle(c, lead, reviewer, admin, level=second, cohort="2026-06")
    assert events(c) == [("2025-06", "new", first), ("2026-06", event, second)]
    assert c.assessments.filter(assignments__reviewer=reviewer).count() == 2

    public = Client()
    profile = public.get(f"/cities/{c.slug}/").text
    assert label in profile and "Newly certified" in profile
    badge = public.get(f"/badge/{c.slug}.json").json()
    assert (badge["level"], badge["status"]) == (second, "valid")
    announced = public.get("/cohorts/2026-06.json").json()
    assert [i["slug"] for i in announced[event]] == [c.slug]
    history = json.loads(public.get("/data/history.json").content)["records"]
    assert [(r["cohort"], r["event"]) for r in history if r["slug"] == c.slug] == [
        ("2025-06", "new"),
        ("2026-06", event),
    ]
    stats = public.get("/api/v1/statistics").json()
    assert stats["cities"] == 1
    listing = Listing.objects.get(city=c)
    assert (listing.level, listing.certifications, listing.first_cohort) == (second, 2, "2025-06")


def test_a_city_not_re_certified_keeps_its_award_until_it_ends(people, settings) -> None:  # type: ignore[no-untyped-def]
    c, lead, reviewer, admin = people
    settings.CERTIFICATION_VALID_YEARS = 3
    cycle(c, lead, reviewer, admin, level="gold", cohort="2025-06")
    award = Certification.objects.get(city=c, cohort__label="2025-06")
    decision = cycle(c, lead, reviewer, admin, level="", cohort="2026-06")
    assert decision.certification is not None
    assert events(c) == [("2025-06", "new", "gold"), ("2026-06", "not_recertified", "")]
    record = decision.certification
    record.refresh_from_db()
    assert record.valid_until is None and not record.is_award

    public = Client()
    profile = public.get(f"/cities/{c.slug}/").text
    assert "Not re-certified" in profile
    badge = public.get(f"/badge/{c.slug}.json").json()
    assert (badge["level"], badge["status"], badge["valid_until"]) == (
        "gold",
        "valid",
        award.valid_until.isoformat(),
    )
    announced = public.get("/cohorts/2026-06.json").json()
    assert [i["slug"] for i in announced["not_recertified"]] == [c.slug]
    assert announced["new"] == [] and announced["recertified"] == []
    # Once its end has passed (no renewal under way), it has expired.
    with time_machine.travel(award.valid_until + dt.timedelta(days=1)):
        badge = Client().get(f"/badge/{c.slug}.json").json()
        assert badge["status"] == "expired"
        assert "expired" in Client().get(f"/badge/{c.slug}.svg").text


def test_a_city_re_certifies_against_the_current_standard_while_its_older_one_is_valid(
    people,
) -> None:  # type: ignore[no-untyped-def]
    c, lead, reviewer, admin = people
    older = StandardVersion.objects.get(code="2018")
    announced = Cohort.objects.create(
        label="2021-06", published_at=dt.datetime(2021, 6, 1, tzinfo=dt.UTC)
    )
    Certification.objects.create(
        city=c,
        cohort=announced,
        standard=older,
        level="silver",
        event="new",
        awarded_on=dt.date(2021, 6, 1),
        valid_until=dt.date(2099, 6, 1),
        published_at=announced.published_at,
    )
    from citycert.public.services import refresh

    refresh([c.pk])
    assessment = assessed(c, lead, "gold")
    assert assessment.standard.code == "2022"
    # Under review, the 2018 certification is the current one.
    assert Client().get(f"/badge/{c.slug}.json").json()["standard"] == "2018"
    reviewed(assessment, reviewer, admin, level="gold", cohort="2026-06")
    from citycert.reviews.history import publish_cohort

    publish_cohort(Cohort.objects.get(label="2026-06"))
    badge = Client().get(f"/badge/{c.slug}.json").json()
    assert (badge["standard"], badge["level"]) == ("2022", "gold")
    assert events(c)[-1] == ("2026-06", "level_up", "gold")


def test_a_second_assessment_carries_the_answers_forward(people) -> None:  # type: ignore[no-untyped-def]
    c, lead, reviewer, admin = people
    first = cycle(c, lead, reviewer, admin, level="silver", cohort="2025-06").assessment
    second = services.start(c, lead)
    assert second.previous_id == first.pk
    carried = second.answers.filter(carried_forward=True).count()
    assert carried == first.answers.exclude(status="unanswered").count()
