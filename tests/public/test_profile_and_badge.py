"""City profiles at /cities/<slug>/ and badges at /badge/<slug>.svg and .json."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from django.test import Client

from citycert.cities.models import City
from citycert.public import services
from citycert.public.models import Listing
from tests import factories as f
from tests.public.conftest import World


def slug(name: str) -> str:
    return City.objects.get(name=name).slug


def test_a_profile_shows_the_level_and_every_event(world: World, client: Client) -> None:
    html = client.get(f"/cities/{slug('Cambridge')}/").text
    timeline = html.split('class="timeline"')[1].split("</ol>")[0]
    assert timeline.count("<li>") == 4
    assert "Newly certified" in timeline and "Moved up a level" in timeline
    assert timeline.count("Re-certified") == 2
    assert "cohort 2020-06, Standard 2018" in timeline
    assert timeline.index("2025") < timeline.index("2020")  # newest first


def test_uncertified_cities_have_no_profile_and_no_badge(world: World, client: Client) -> None:
    for city in (world.registered, world.applicant[0], world.pending.assessment.city):
        for url in (f"/cities/{city.slug}/", f"/badge/{city.slug}.svg", f"/badge/{city.slug}.json"):
            assert client.get(url).status_code == 404, url


def test_the_story_and_strengths_appear_only_as_the_city_chooses(
    world: World, client: Client
) -> None:
    city = world.certified.assessment.city
    lead = city.memberships.get(role="lead").user
    page = client.get(f"/cities/{city.slug}/").text
    assert "In the city's words" not in page and "Practice-area results" not in page
    team = Client()
    team.force_login(lead, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = team.post(
        f"/my/cities/{city.slug}/public-profile/",
        {
            "story": "Bus routes follow <b>ridership</b> data now.",
            "story_language": "es",
            "show_strengths": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cities/{city.slug}/").text
    assert 'lang="es"' in page and "ridership" in page and "<b>ridership" not in page
    strengths = page.split('id="strengths-h"')[1].split("</section>")[0]
    assert strengths.count("<tr>") == 9  # a header row and the 8 practice areas
    total = sum(a["points"] for a in Listing.objects.get(pk=city.pk).strengths)
    assert total == 31  # the validated criteria


def test_a_story_that_is_too_long_is_refused_and_nothing_changes(world: World) -> None:
    city = world.certified.assessment.city
    lead = city.memberships.get(role="lead").user
    team = Client()
    team.force_login(lead, backend="allauth.account.auth_backends.AuthenticationBackend")
    response = team.post(
        f"/my/cities/{city.slug}/public-profile/", {"story": "x" * 1501, "story_language": "en"}
    )
    assert response.status_code == 400
    assert "at most 1500 characters" in response.text
    assert Listing.objects.get(pk=city.pk).story == ""


def test_the_badge_is_an_svg_for_caches_without_cookies(world: World, client: Client) -> None:
    response = client.get(f"/badge/{slug('Tempe')}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    # One copy per encoding (gzip or not), and no other variation: no cookie, no language.
    assert response.get("Vary", "") in ("", "Accept-Encoding")
    assert not response.cookies
    svg = ET.fromstring(response.content)
    assert svg.get("role") == "img"
    text = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "Platinum" in text and "2024" in text and "\u2605" in text
    again = client.get(f"/badge/{slug('Tempe')}.svg", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_badge_speaks_the_language_asked_for(world: World, client: Client) -> None:
    svg = client.get(f"/badge/{slug('Tempe')}.svg?lang=es").text
    assert "Platino" in svg
    # The Accept-Language header never changes a badge (a CDN keeps one copy).
    assert (
        client.get(f"/badge/{slug('Tempe')}.svg", HTTP_ACCEPT_LANGUAGE="fr").text
        == client.get(f"/badge/{slug('Tempe')}.svg").text
    )


def test_the_badge_json_gives_level_year_validity_and_profile(world: World, client: Client) -> None:
    data = client.get(f"/badge/{slug('Valdivia')}.json").json()
    assert data["level"] == "gold" and data["year"] == dt.date.today().year
    assert data["status"] == "valid" and data["valid_until"] is None
    assert data["profile_url"].endswith(f"/cities/{slug('Valdivia')}/")


def test_an_expired_certification_says_so(world: World, client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    Listing.objects.filter(name="Tempe").update(valid_until=dt.date(2020, 1, 1))
    services.bump_revision()
    svg = client.get(f"/badge/{slug('Tempe')}.svg").text
    assert "expired" in svg
    assert client.get(f"/badge/{slug('Tempe')}.json").json()["status"] == "expired"
    assert "(expired)" in client.get(f"/cities/{slug('Tempe')}/").text


def test_a_contributor_cannot_edit_the_public_profile(world: World) -> None:
    city = world.certified.assessment.city
    contributor = f.person()
    f.member(city, contributor)
    team = Client()
    team.force_login(contributor, backend="allauth.account.auth_backends.AuthenticationBackend")
    assert team.get(f"/my/cities/{city.slug}/public-profile/").status_code == 403
