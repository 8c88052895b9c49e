"""Responses are compressed only where compression cannot leak a secret (BREACH): public pages,
badges, maps, open data and API JSON; never a page made for a signed-in person, nor one with a
CSRF token on it."""

from __future__ import annotations

import gzip
import json

from django.test import Client

from citycert.accounts import services
from citycert.accounts.models import ApiToken
from citycert.cities.models import City
from tests import factories as f
from tests.public.conftest import World

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def test_public_pages_and_badges_are_compressed(world: World, client: Client) -> None:
    slug = City.objects.get(name="Bogotá").slug
    for url in ("/cities/", f"/cities/{slug}/", "/cities/map/", f"/badge/{slug}.svg", "/stats/"):
        for _ in range(2):  # made afresh, then from the cache
            response = client.get(url, **GZIP)
            assert response["Content-Encoding"] == "gzip", url
            assert "Accept-Encoding" in response["Vary"], url
            assert gzip.decompress(response.content), url
    plain = client.get("/cities/")
    assert not plain.has_header("Content-Encoding")  # a client that did not ask gets it as is
    assert gzip.decompress(client.get("/cities/", **GZIP).content) == plain.content


def test_pages_for_a_signed_in_person_are_not_compressed(world: World, client: Client) -> None:
    client.force_login(f.person(), backend=BACKEND)
    for url in ("/cities/", "/", "/accounts/email/"):
        response = client.get(url, **GZIP)
        assert response.status_code == 200, url
        assert not response.has_header("Content-Encoding"), url


def test_a_page_with_a_csrf_token_is_not_compressed(world: World, client: Client) -> None:
    response = client.get("/accounts/login/", **GZIP)
    assert response.status_code == 200 and "csrfmiddlewaretoken" in response.text
    assert not response.has_header("Content-Encoding")


def test_api_json_is_compressed(world: World, client: Client) -> None:
    lead = f.lead(City.objects.get(name="Valdivia")).user
    token = services.create_token(lead, "script", ApiToken.Scope.READ).secret
    # A token is sent by the script that holds it, never by a browser on its own: no BREACH.
    for headers in ({}, {"Authorization": f"Bearer {token}"}):
        response = client.get("/api/v1/cities", headers=headers, **GZIP)
        assert response.status_code == 200
        assert response.get("Content-Encoding") == "gzip"
        assert json.loads(gzip.decompress(response.content))
