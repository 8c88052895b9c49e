"""Cached public pages change as soon as what they show changes."""

from __future__ import annotations

from django.test import Client

from citycert.reviews import services
from citycert.reviews.history import publish_cohort
from citycert.reviews.models import Certification
from tests import factories as f
from tests.public.conftest import World


def test_publishing_a_cohort_shows_its_cities_at_once(world: World, client: Client) -> None:
    assert "Arica" not in client.get("/cities/?q=arica").text
    etag = client.get("/data/cities.json")["ETag"]
    publish_cohort(world.pending.cohort)
    assert "Arica" in client.get("/cities/?q=arica").text
    fresh = client.get("/data/cities.json", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and "Arica" in fresh.text


def test_a_correction_replaces_the_level_shown(world: World, client: Client) -> None:
    city = world.certified.assessment.city
    assert "Gold" in client.get(f"/badge/{city.slug}.svg").text
    cert = Certification.objects.get(city=city)
    services.correct(cert, level="silver", reason="Miscounted.", by=f.person(admin=True))
    svg = client.get(f"/badge/{city.slug}.svg").text
    assert "Silver" in svg and "Gold" not in svg
    timeline = client.get(f"/cities/{city.slug}/").text
    assert "corrected record" in timeline


def test_signed_in_people_get_their_own_page(world: World, client: Client) -> None:
    anonymous = client.get("/cities/")
    assert "Sign in" in anonymous.text
    member = Client()
    member.force_login(f.person(), backend="allauth.account.auth_backends.AuthenticationBackend")
    page = member.get("/cities/")
    assert "Sign out" in page.text and "private" in page["Cache-Control"]


def test_a_page_showing_a_message_is_never_served_to_anyone_else(world: World) -> None:
    person = f.person()
    visitor = Client()
    visitor.force_login(person, backend="allauth.account.auth_backends.AuthenticationBackend")
    visitor.post("/accounts/logout/")
    assert "You have signed out." in visitor.get("/cities/").text
    assert "You have signed out." not in Client().get("/cities/").text


def test_the_language_form_works_from_a_cached_page(world: World) -> None:
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get("/cities/")
    assert "csrfmiddlewaretoken" not in page.text and not page.cookies
    response = visitor.post("/i18n/setlang/", {"language": "es", "next": "/cities/"})
    assert response.status_code == 302
    assert 'lang="es"' in visitor.get("/cities/").text
