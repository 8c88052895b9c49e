"""The weekly digest: sent on its weekday (or later that week, if a run was missed), once a week,
to the network members who asked for it, made of the sections apps register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from citycert.accounts.models import User
from citycert.assessments import services as assessment_services
from citycert.network import sections
from citycert.network.digest import send_digest
from citycert.network.models import DigestSent, MemberProfile
from citycert.reviews.models import Certification, Cohort
from citycert.standards.models import StandardVersion
from tests import factories as f

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


def member(name: str, *, digest: bool) -> User:
    city = f.city(name)
    lead = f.lead(city, f.person(name=f"Lead of {name}")).user
    assessment_services.start(city, lead, carry_forward=False)
    MemberProfile.objects.create(user=lead, digest=digest)
    return lead


def announce(name: str, on: dt.date) -> None:
    when = timezone.make_aware(dt.datetime.combine(on, dt.time(12)))
    cohort, _made = Cohort.objects.get_or_create(label="2026-11", defaults={"published_at": when})
    Certification.objects.create(
        city=f.city(name),
        cohort=cohort,
        standard=StandardVersion.objects.get(code="2022"),
        level="gold",
        event="new",
        published_at=when,
    )


def test_it_goes_once_a_week_to_members_who_asked_for_it(standard: None) -> None:
    wants = member("Braga", digest=True)
    member("Porto", digest=False)
    outsider = f.person()
    MemberProfile.objects.create(user=outsider, digest=True)  # asked, but not in the network
    announce("Lisboa", MONDAY - dt.timedelta(days=3))

    assert send_digest(MONDAY) == 1
    assert send_digest(MONDAY) == 0  # the same day again
    assert send_digest(MONDAY + dt.timedelta(days=3)) == 0  # later the same week
    f.deliver()
    assert [m.to for m in mail.outbox] == [[wants.email]]
    assert "Newly certified cities" in mail.outbox[0].body and "Lisboa" in mail.outbox[0].body
    assert DigestSent.objects.get().week == "2026-W48"


def test_a_missed_digest_day_is_caught_up_later_that_week(standard: None) -> None:
    member("Faro", digest=True)
    announce("Evora", MONDAY - dt.timedelta(days=2))
    with override_weekday(2):  # Wednesdays
        assert send_digest(MONDAY + dt.timedelta(days=1)) == 0  # Tuesday: not yet this week
        assert send_digest(MONDAY + dt.timedelta(days=3)) == 1  # Thursday: Wednesday's, late


def test_a_week_with_nothing_new_sends_nothing(standard: None) -> None:
    member("Viseu", digest=True)
    announce("Leiria", MONDAY - dt.timedelta(days=30))  # long before the week
    assert send_digest(MONDAY) == 0
    assert not DigestSent.objects.exists()


def test_registered_sections_make_the_digest(standard: None) -> None:
    member("Aveiro", digest=True)
    given: list[tuple[dt.datetime, dt.datetime]] = []

    def events(since: dt.datetime, until: dt.datetime) -> sections.DigestSection:
        given.append((since, until))
        return sections.DigestSection(
            "Upcoming events", [sections.DigestItem("Data week", "/events/1/", "3 December")], 20
        )

    sections.register_digest("test.events", events)
    try:
        assert send_digest(MONDAY) == 1
    finally:
        sections.unregister("test.events")
    f.deliver()
    body = mail.outbox[0].body
    assert "Upcoming events" in body and "Data week: 3 December" in body and "/events/1/" in body
    since, until = given[0]
    assert until.date() == MONDAY and (until - since).days == 7


def test_new_listings_are_news_for_the_next_digest(standard: None) -> None:
    member("Coimbra", digest=True)
    newcomer = member("Guarda", digest=False)
    profile = MemberProfile.objects.get(user=newcomer)
    profile.listed, profile.role = True, "Data steward"
    profile.listed_at = timezone.make_aware(dt.datetime.combine(MONDAY, dt.time()))
    profile.listed_at -= dt.timedelta(days=2)
    profile.save()
    assert send_digest(MONDAY) == 1  # to Coimbra's lead: the newcomer did not ask for it
    f.deliver()
    body = next(m.body for m in mail.outbox)
    assert "New in the members' directory" in body and "Lead of Guarda" in body


def test_the_daily_command_sends_the_digest(standard: None) -> None:
    member("Tavira", digest=True)
    announce("Lagos", MONDAY - dt.timedelta(days=1))
    out = __import__("io").StringIO()
    call_command("daily", today=MONDAY, stdout=out)
    assert "1 network digests" in out.getvalue()


class override_weekday:  # noqa: N801 (used as a context manager, like override_settings)
    def __init__(self, weekday: int) -> None:
        from django.test import override_settings

        self.inner = override_settings(NETWORK_DIGEST_WEEKDAY=weekday)

    def __enter__(self) -> None:
        self.inner.enable()

    def __exit__(self, *exc: object) -> None:
        self.inner.disable()
