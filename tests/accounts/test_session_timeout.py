"""Sessions end: program staff's when idle and a working day after signing in; everyone's after
SESSION_MAX_DAYS. The person is sent to sign in, told why, and brought back."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine
from django.test import Client

from citycert.accounts.models import ApiToken
from citycert.accounts.services import create_token
from tests import factories as f

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_an_idle_staff_session_ends_after_thirty_minutes() -> None:
    admin = f.person(admin=True, mfa=True)
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(admin)
        assert client.get("/program/reviews/").status_code == 200
        # Active every 25 minutes: still signed in an hour later.
        for _ in range(3):
            clock.shift(dt.timedelta(minutes=25))
            assert client.get("/program/reviews/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/program/reviews/?older_than=7")
        assert response.status_code == 302
        assert response["Location"] == (
            "/accounts/login/?next=" + quote("/program/reviews/?older_than=7", safe="")
        )
        page = client.get(response["Location"])
        assert "signed out after 30 minutes without activity" in page.text
        assert client.get("/program/reviews/").status_code == 302  # still signed out


def test_a_staff_session_ends_after_twelve_hours_however_active(settings) -> None:  # type: ignore[no-untyped-def]
    reviewer = f.person(reviewer=True, mfa=True)
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(reviewer)
        for _ in range(12 * 3):
            assert client.get("/my/").status_code == 200
            clock.shift(dt.timedelta(minutes=20))
        clock.shift(dt.timedelta(minutes=1))  # twelve hours and a minute after signing in
        response = client.get("/my/", follow=True)
        assert "Your session has ended" in response.text
        assert response.redirect_chain[0][0].startswith("/accounts/login/")
    # The limits are settings.
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(reviewer)
        assert client.get("/my/").status_code == 200
        clock.shift(dt.timedelta(minutes=6))
        assert client.get("/my/").status_code == 302


def test_city_people_stay_signed_in_when_idle_but_not_past_the_longest_session() -> None:
    lead = f.lead(f.city()).user
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(lead)
        assert client.get("/my/").status_code == 200
        clock.shift(dt.timedelta(hours=8))
        assert client.get("/my/").status_code == 200
        clock.shift(dt.timedelta(days=14))
        assert client.get("/my/").status_code == 302


def test_an_htmx_request_is_sent_to_sign_in_as_a_whole_page() -> None:
    admin = f.person(admin=True, mfa=True)
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(admin)
        client.get("/program/reviews/")
        clock.shift(dt.timedelta(hours=1))
        response = client.get("/program/reviews/", headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_api_tokens_are_not_sessions() -> None:
    admin = f.person(admin=True, mfa=True)
    secret = create_token(admin, "script", ApiToken.Scope.READ).secret
    with time_machine.travel(START, tick=False) as clock:
        client = Client(headers={"Authorization": f"Bearer {secret}"})
        assert client.get("/api/v1/my/cities").status_code == 200
        clock.shift(dt.timedelta(hours=2))
        assert client.get("/api/v1/my/cities").status_code == 200
