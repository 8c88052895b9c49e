"""Validity and renewal: admins set, per Standard version, how long a certification lasts; cities
are reminded to renew, each person once at each point and in their own language; a renewal
submitted in time shows "renewal in progress" for the grace period, then the certification
expires: it stays in the history and the open data, and leaves current counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.test import Client

from citycert.accounts.models import Notification
from citycert.public.services import refresh
from citycert.reviews import renewal, rules
from citycert.reviews.models import Certification, CertificationRules, RenewalReminder
from citycert.standards.models import StandardVersion
from tests import factories as f
from tests.reviews.cycles import assessed, cycle

pytestmark = pytest.mark.usefixtures("published_cleanup", "standard")

AWARDED = dt.date(2026, 3, 2)  # the day the cohort is published in these tests
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def signed_in(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def certified(settings):  # type: ignore[no-untyped-def]
    """A city certified Silver on AWARDED against the 2022 Standard, valid three years (set by
    an admin); its lead reads Spanish, its coach French."""
    admin = f.person(admin=True, mfa=True)
    rules.save(
        StandardVersion.objects.get(code="2022"),
        valid_years=3,
        renewal_window_days=180,
        grace_days=90,
        appeal_window_days=30,
        by=admin,
    )
    c = f.city("Renewton", "MX")
    lead = f.lead(c).user
    lead.language = "es"
    lead.save()
    second_lead = f.lead(c).user  # no language chosen: the site's default
    coach = f.person(coach=True)
    coach.language = "fr"
    coach.save()
    f.grant(c, coach)
    with time_machine.travel(dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), tick=False):
        cycle(c, lead, f.person(reviewer=True, mfa=True), admin, level="silver", cohort="2026-03")
    return c, {"lead": lead, "second_lead": second_lead, "coach": coach, "admin": admin}


def test_admins_set_how_long_a_certification_lasts_per_version_and_it_is_audited() -> None:
    admin = f.person(admin=True, mfa=True)
    client = signed_in(admin)
    page = client.get("/program/rules/")
    assert page.status_code == 200 and "2022" in page.text
    bad = client.post(
        "/program/rules/",
        {
            "standard": "2022",
            "2022-valid_years": "abc",
            "2022-renewal_window_days": "99999",
            "2022-grace_days": "-1",
            "2022-appeal_window_days": "three weeks",
        },
    )
    assert bad.status_code == 400 and not CertificationRules.objects.exists()
    assert "Enter a whole number." in bad.text
    ok = client.post(
        "/program/rules/",
        {
            "standard": "2022",
            "2022-valid_years": "4",
            "2022-renewal_window_days": "120",
            "2022-grace_days": "60",
            "2022-appeal_window_days": "21",
        },
    )
    assert ok.status_code == 302
    saved = rules.for_standard(StandardVersion.objects.get(code="2022"))
    assert (saved.valid_years, saved.renewal_window_days, saved.grace_days) == (4, 120, 60)
    assert saved.appeal_window_days == 21 and saved.custom
    row = CertificationRules.objects.get()
    assert LogEntry.objects.get_for_object(row).get().actor == admin
    # Versions without their own rules take the settings' defaults.
    assert not rules.for_standard(StandardVersion.objects.get(code="2018")).custom


def test_a_certification_ends_by_the_rules_of_its_version(certified) -> None:  # type: ignore[no-untyped-def]
    c, _people = certified
    cert = Certification.objects.get(city=c)
    assert (cert.awarded_on, cert.valid_until) == (AWARDED, dt.date(2029, 3, 2))


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (dt.date(2028, 9, 1), "valid"),
        (dt.date(2028, 9, 3), "due"),  # 180 days before the end
        (dt.date(2029, 3, 2), "due"),  # the last day
        (dt.date(2029, 3, 3), "expired"),  # no renewal was submitted
    ],
)
def test_its_status_follows_the_calendar(certified, day: dt.date, status: str) -> None:  # type: ignore[no-untyped-def]
    c, _people = certified
    assert renewal.standing_of(c.pk, day).status == status


def test_a_renewal_submitted_in_time_shows_renewal_in_progress_then_expires(certified) -> None:  # type: ignore[no-untyped-def]
    c, people = certified
    with time_machine.travel(dt.datetime(2029, 2, 1, 12, tzinfo=dt.UTC)):
        assessed(c, people["lead"], "silver")  # submitted a month before the end
    grace_end = dt.date(2029, 3, 2) + dt.timedelta(days=90)
    for day, status in (
        (dt.date(2029, 3, 2), "valid"),
        (dt.date(2029, 3, 3), "renewal"),
        (grace_end, "renewal"),
        (grace_end + dt.timedelta(days=1), "expired"),
    ):
        with time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)):
            refresh([c.pk])
            public = Client()
            badge = public.get(f"/badge/{c.slug}.json").json()
            assert badge["status"] == status, day
            assert badge["renewal_until"] == grace_end.isoformat()
            profile = public.get(f"/cities/{c.slug}/").text
            record = public.get(f"/api/v1/cities/{c.slug}").json()
            assert record["status"] == status
            if status == "renewal":
                assert "renewal in progress" in profile
                assert "renewing" in public.get(f"/badge/{c.slug}.svg").text
            cities = json.loads(public.get("/data/cities.json").content)["records"]
            assert [r["status"] for r in cities if r["slug"] == c.slug] == [status]


def test_an_expired_certification_leaves_current_counts_and_stays_in_the_history(certified) -> None:  # type: ignore[no-untyped-def]
    c, _people = certified
    with time_machine.travel(dt.datetime(2029, 3, 3, 12, tzinfo=dt.UTC)):
        public = Client()
        stats = public.get("/api/v1/statistics").json()
        assert stats["cities"] == 0 and stats["by_level"] == []
        assert "expired" in public.get(f"/badge/{c.slug}.svg").text
        assert public.get(f"/cities/{c.slug}/").status_code == 200
        history = json.loads(public.get("/data/history.json").content)["records"]
        assert [r["slug"] for r in history] == [c.slug]
    with time_machine.travel(dt.datetime(2029, 3, 2, 12, tzinfo=dt.UTC)):
        assert Client().get("/api/v1/statistics").json()["cities"] == 1


def test_reminders_go_to_every_lead_and_coach_once_each_in_their_language(certified) -> None:  # type: ignore[no-untyped-def]
    c, people = certified
    end = dt.date(2029, 3, 2)
    expected = {"lead": "es", "second_lead": "en", "coach": "fr"}
    sent_by_day = {}
    day = end - dt.timedelta(days=200)
    while day <= end + dt.timedelta(days=3):
        with time_machine.travel(dt.datetime.combine(day, dt.time(6), tzinfo=dt.UTC), tick=False):
            out = __import__("io").StringIO()
            call_command("daily", stdout=out)
            sent_by_day[day] = renewal.send_reminders(day)  # run twice the same day: nothing more
        day += dt.timedelta(days=1)
    assert all(n == 0 for n in sent_by_day.values())  # the command had sent them already
    reminders = RenewalReminder.objects.filter(certification__city=c)
    assert sorted(set(reminders.values_list("days_before", flat=True))) == [0, 30, 90, 180]
    for key, language in expected.items():
        mine = reminders.filter(recipient=people[key])
        assert sorted(mine.values_list("days_before", flat=True)) == [0, 30, 90, 180]
        notes = Notification.objects.filter(recipient=people[key], kind="renewal_reminder")
        assert notes.count() == 4 and set(notes.values_list("language", flat=True)) == {language}
    assert not RenewalReminder.objects.filter(recipient=people["admin"]).exists()
    f.deliver()
    subjects = set(
        Notification.objects.filter(kind="renewal_reminder").values_list("subject", flat=True)
    )
    reminded = [m for m in mail.outbox if m.subject.removeprefix("[citycert] ") in subjects]
    spanish = [m for m in reminded if m.to == [people["lead"].email]]
    french = [m for m in reminded if m.to == [people["coach"].email]]
    assert len(spanish) == 4 and "certificación" in spanish[0].body
    assert len(french) == 4 and "certification" in french[0].body and "renouvel" in french[0].body
    assert spanish[0].alternatives and "<html" in spanish[0].alternatives[0][0]


def test_no_reminder_once_the_renewal_is_submitted(certified) -> None:  # type: ignore[no-untyped-def]
    c, people = certified
    with time_machine.travel(dt.datetime(2028, 8, 1, 12, tzinfo=dt.UTC)):
        assessed(c, people["lead"], "silver")
    assert renewal.send_reminders(dt.date(2028, 9, 3)) == 0
    assert not RenewalReminder.objects.exists()


def test_admins_see_what_ends_in_the_next_180_days(certified) -> None:  # type: ignore[no-untyped-def]
    _c, people = certified
    with time_machine.travel(dt.datetime(2028, 10, 1, 12, tzinfo=dt.UTC)):
        page = signed_in(people["admin"]).get("/program/renewals/")
        assert page.status_code == 200 and "Renewton" in page.text and "Renewal due" in page.text
    with time_machine.travel(dt.datetime(2028, 1, 1, 12, tzinfo=dt.UTC)):
        assert "Renewton" not in signed_in(people["admin"]).get("/program/renewals/").text


def test_current_awards_can_be_limited_to_those_ending_in_a_window(certified) -> None:  # type: ignore[no-untyped-def]
    c, _people = certified
    ends = Certification.objects.get(city=c).valid_until
    assert ends is not None
    assert set(renewal.current_awards()) == {c.pk}
    within = renewal.current_awards(ending=(ends - dt.timedelta(days=1), ends))
    assert list(within) == [c.pk] and within[c.pk].valid_until == ends
    assert (
        renewal.current_awards(ending=(ends + dt.timedelta(days=1), ends + dt.timedelta(days=9)))
        == {}
    )
    # The renewals page asks for its window only.
    today = ends - dt.timedelta(days=200)
    from citycert.reviews import queries

    assert queries.renewals(today, days=180) == []
    assert [r.certification.city_id for r in queries.renewals(today, days=200)] == [c.pk]
