"""Sessions are Django's database sessions, read with one plain query: a live session is read
back whole, one that ended or never was reads as empty (and is never revived by its key)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from citycert.accounts.sessions import SessionStore
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_it_is_the_session_engine() -> None:
    assert settings.SESSION_ENGINE == "citycert.accounts.sessions"


def test_a_saved_session_is_read_back() -> None:
    store = SessionStore()
    store["colour"] = "blue"
    store["n"] = 3
    store.save()
    again = SessionStore(store.session_key)
    assert dict(again.items()) == {"colour": "blue", "n": 3}
    assert again.session_key == store.session_key


def test_an_ended_session_reads_as_empty_and_gets_a_new_key_when_written() -> None:
    store = SessionStore()
    store["colour"] = "blue"
    store.save()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    ended = SessionStore(store.session_key)
    assert dict(ended.items()) == {}
    ended["colour"] = "red"
    ended.save()
    assert ended.session_key != store.session_key


def test_an_unknown_key_reads_as_empty_in_one_query() -> None:
    with CaptureQueriesContext(connection) as queries:
        assert dict(SessionStore("nosuchsessionkey0123456789abcdef").items()) == {}
    assert len(queries) == 1
    assert "django_session" in queries[0]["sql"]


def test_a_signed_in_person_stays_signed_in(client: Client) -> None:
    someone = f.person()
    client.force_login(someone)
    response = client.get("/accounts/email/")
    assert response.status_code == 200
    assert response.wsgi_request.user == someone
    client.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32  # a key no session has
    assert client.get("/accounts/email/").wsgi_request.user.is_anonymous
