"""Directory pages joined from a copy drawn once per language: each visitor still gets the page
for their own request (rows, filters, count, page links, the language form's return address),
in their language; signed-in people and pages with a message waiting are drawn for them."""

from __future__ import annotations

import re

from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client
from django.test.client import RequestFactory

from citycert.visitor_pages import forget
from tests import factories as f
from tests.public.conftest import World
from tests.public.test_directory import names


def returns_to(html: str) -> set[str]:
    return set(re.findall(r'<input type="hidden" name="next" value="([^"]*)">', html))


def test_each_visitor_gets_the_page_for_their_own_request(world: World, client: Client) -> None:
    forget()
    client.cookies["sessionid"] = "a" * 32  # a visitor with a session cookie: never cached
    first = client.get("/cities/", {"q": "valdivia"}).text
    second = client.get("/cities/", {"level": "gold", "sort": "year", "page": "1"}).text
    assert names(first) == ["Valdivia"]
    assert "1 certified city matches" in first
    assert returns_to(first) == {"/cities/?q=valdivia"}
    assert returns_to(second) == {"/cities/?level=gold&amp;sort=year&amp;page=1"}
    assert 'href="/cities/map/?level=gold&amp;sort=year"' in second
    assert 'value="gold" selected' in second and 'value="gold" selected' not in first
    # Everything else is the same page.
    assert first.split('<ul class="actions">')[0].replace("?q=valdivia", "") == second.split(
        '<ul class="actions">'
    )[0].replace("?level=gold&amp;sort=year&amp;page=1", "")


def test_the_kept_copy_is_per_language(world: World, client: Client) -> None:
    client.cookies["sessionid"] = "a" * 32
    english = client.get("/cities/").text
    client.cookies["django_language"] = "es"
    spanish = client.get("/cities/").text
    assert '<html lang="en">' in english and "Certified cities</h1>" in english
    assert '<html lang="es">' in spanish and "Ciudades certificadas</h1>" in spanish


def test_a_signed_in_person_gets_their_own_header(world: World, client: Client) -> None:
    client.force_login(f.person())
    html = client.get("/cities/").text
    assert "signout-form" in html and 'name="csrfmiddlewaretoken"' in html
    assert names(html)


def test_a_message_waiting_is_shown_to_its_reader(world: World, client: Client) -> None:
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "You have signed out.")
    response = client.get("/")  # any response to carry the cookie out
    storage.update(response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    html = client.get("/cities/").text
    assert "You have signed out." in html
    assert "You have signed out." not in client.get("/cities/").text  # shown once
