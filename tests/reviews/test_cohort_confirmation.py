"""Publishing a cohort cannot be undone, so the page asks first and says what will happen; only
the confirmed request publishes, and a second one (a double click) publishes nothing more."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from citycert.reviews.models import Certification, Cohort
from citycert.standards.models import StandardVersion
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@pytest.fixture
def cohort(db: None) -> Cohort:
    cohort = Cohort.objects.create(label="2026-11")
    standard = StandardVersion.objects.get(code="2022")
    for name in ("Quito", "Lima", "Cali"):
        city = f.city(name)
        f.lead(city)
        Certification.objects.create(city=city, cohort=cohort, standard=standard, level="silver")
    return cohort


@pytest.fixture
def staff() -> Client:
    client = Client()
    client.force_login(f.person(admin=True, mfa=True), backend=BACKEND)
    return client


def test_publishing_asks_first_and_an_unconfirmed_post_changes_nothing(cohort, staff) -> None:  # type: ignore[no-untyped-def]
    page = staff.post("/program/cohorts/", {"cohort": cohort.pk})
    assert page.status_code == 200
    assert "Publish cohort 2026-11 with 3 cities?" in page.text
    assert "This cannot be undone." in page.text
    assert 'name="confirm" value="1"' in page.text
    assert 'href="/program/cohorts/"' in page.text  # cancel
    for name in ("Quito", "Lima", "Cali"):
        assert name in page.text
    for unconfirmed in ({}, {"confirm": "0"}, {"confirm": "no"}):
        staff.post("/program/cohorts/", {"cohort": cohort.pk, **unconfirmed})
    cohort.refresh_from_db()
    assert cohort.published_at is None
    assert not Certification.objects.filter(published_at__isnull=False).exists()
    assert Client().get("/cohorts/2026-11/").status_code == 404


def test_the_confirmed_post_publishes_once_and_a_second_click_is_harmless(cohort, staff) -> None:  # type: ignore[no-untyped-def]
    first = staff.post("/program/cohorts/", {"cohort": cohort.pk, "confirm": "1"}, follow=True)
    assert "Cohort 2026-11 is published" in first.text
    cohort.refresh_from_db()
    published_at = cohort.published_at
    assert published_at is not None
    told = len(mail.outbox)

    second = staff.post("/program/cohorts/", {"cohort": cohort.pk, "confirm": "1"}, follow=True)
    assert second.status_code == 200
    assert "Cohort 2026-11 is published already." in second.text
    assert 'class="message message-error' not in second.text
    cohort.refresh_from_db()
    assert cohort.published_at == published_at
    assert len(mail.outbox) == told
    assert Client().get("/cohorts/2026-11/").status_code == 200


def test_a_cohort_that_is_not_there_is_a_clear_message(staff, db: None) -> None:  # type: ignore[no-untyped-def]
    response = staff.post("/program/cohorts/", {"cohort": "999999", "confirm": "1"}, follow=True)
    assert response.status_code == 200
    assert "Choose a cohort in preparation." in response.text
