"""The header and footer are made once per language and page for visitors who are not signed
in; what differs between visitors (where the language form returns to) is still theirs, and
signed-in people get their own menus."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests import factories as f

pytestmark = pytest.mark.django_db


def _returns_to(html: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="next" value="([^"]*)">', html)


def test_it_sends_each_visitor_back_to_their_own_page(client: Client) -> None:
    first = client.get("/standard/").content.decode()
    second = client.get("/standard/?lang=ignored&x=%3Cscript%3E").content.decode()
    assert _returns_to(first) == ["/standard/", "/standard/"]
    assert all("<script>" not in value for value in _returns_to(second))
    assert all(value.startswith("/standard/") for value in _returns_to(second))


def test_it_marks_the_page_and_speaks_the_reader_s_language(client: Client) -> None:
    english = client.get("/standard/").content.decode()
    spanish = client.get("/standard/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    snapshot = client.get("/snapshot/").content.decode()
    assert 'href="/standard/" aria-current="page"' in english
    assert "Saltar al contenido principal" in spanish
    assert "Skip to main content" in english and "Skip to main content" not in spanish
    assert 'href="/standard/" aria-current="page"' not in snapshot


def test_signed_in_people_get_their_own_header(client: Client) -> None:
    client.get("/standard/")  # a visitor's copy is made first
    client.force_login(f.lead(f.city("Rosario", "AR"), f.person(name="Ana")).user)
    mine = client.get("/standard/").content.decode()
    assert "My cities" in mine and "Sign out" in mine
    assert "Create an account" not in mine
