"""The badge in every level and language: its embed code, its SVG, and its shields.io endpoint."""

from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client

from citycert.public import services
from citycert.public.models import Listing
from tests.public.conftest import World

LANGUAGES = ("en", "es", "pt", "fr")
#: Each level's name in each language, as the badge writes it.
NAMES = {
    "en": {"platinum": "Platinum", "gold": "Gold", "silver": "Silver", "": "Level not published"},
    "es": {"platinum": "Platino", "gold": "Oro", "silver": "Plata", "": "Nivel no publicado"},
    "pt": {"platinum": "Platina", "gold": "Ouro", "silver": "Prata", "": "Nível não publicado"},
    "fr": {"platinum": "Platine", "gold": "Or", "silver": "Argent", "": "Niveau non publié"},
}
SVG = "{http://www.w3.org/2000/svg}"


def a_city(level: str) -> Listing:
    return Listing.objects.filter(level=level).order_by("name").first()  # type: ignore[return-value]


def repeats_a_word(text: str) -> bool:
    """Whether a word comes twice in a row, as in "Alexandria: Certified certified city"."""
    return re.search(r"\b(\w+)\W+\1\b", text, re.IGNORECASE) is not None


@pytest.mark.parametrize("level", ["platinum", "gold", "silver", ""])
def test_the_profile_embeds_the_badge_in_its_language_with_text_that_reads_right(
    world: World, client: Client, level: str
) -> None:
    for language in LANGUAGES:
        check_profile_badge(client, a_city(level), language)


def check_profile_badge(client: Client, row: Listing, language: str) -> None:
    level = row.level
    page = client.get(f"/cities/{row.slug}/", HTTP_ACCEPT_LANGUAGE=language).text
    embed = html.unescape(page.split('id="embed" readonly rows="3">')[1].split("<")[0])
    src = re.search(r'src="([^"]+)"', embed)[1]  # type: ignore[index]
    alt = re.search(r'alt="([^"]+)"', embed)[1]  # type: ignore[index]
    wanted = f"/badge/{row.slug}.svg" + ("" if language == "en" else f"?lang={language}")
    assert src.endswith(wanted) and src.startswith("http")
    assert f'<img src="{html.escape(wanted)}"' in page  # the badge shown on the profile too
    # "Arlington: …", or in French "Arlington : …" (a no-break space before the colon)
    assert re.match(rf"{re.escape(row.name)}\s?:", alt) and not repeats_a_word(alt), alt
    assert NAMES[language][level] in alt or not level
    svg = ET.fromstring(client.get(wanted).content)
    assert svg.get("lang") == language
    value = " ".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    assert NAMES[language][level] in value
    title = svg.find(f"{SVG}title").text or ""  # type: ignore[union-attr]
    assert row.name in title and not repeats_a_word(title), title


def test_the_old_badge_address_stays_english(world: World, client: Client) -> None:
    row = a_city("gold")
    svg = client.get(f"/badge/{row.slug}.svg", HTTP_ACCEPT_LANGUAGE="es").text
    assert 'lang="en"' in svg and "Gold" in svg


def test_a_badge_without_a_published_level_never_says_certified_twice(
    world: World, client: Client
) -> None:
    row = a_city("")
    svg = client.get(f"/badge/{row.slug}.svg").text
    assert f"{row.name}: certified in {row.year}" in svg
    Listing.objects.filter(pk=row.pk).update(valid_until=dt.date(2020, 1, 1))
    services.bump_revision()
    svg = client.get(f"/badge/{row.slug}.svg").text
    assert f"certification expired (certified in {row.year})" in svg


@pytest.mark.parametrize("level", ["platinum", "gold", "silver", ""])
def test_the_shields_endpoint_gives_the_level_and_its_colour(
    world: World, client: Client, level: str
) -> None:
    row = a_city(level)
    response = client.get(f"/badge/{row.slug}.shields.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    colours = {"platinum": "3d4b5c", "gold": "7a5200", "silver": "4f5b66", "": "4f5b66"}
    assert data == {
        "schemaVersion": 1,
        "label": "citycert",
        "message": NAMES["en"][level],
        "color": colours[level],
        "labelColor": "1f2a44",
        "cacheSeconds": 300,
    }
    spanish = client.get(f"/badge/{row.slug}.shields.json?lang=es").json()
    assert spanish["message"] == NAMES["es"][level]


def test_the_shields_endpoint_is_cached_like_the_badge(world: World, client: Client) -> None:
    row = a_city("gold")
    response = client.get(f"/badge/{row.slug}.shields.json", HTTP_ACCEPT_LANGUAGE="fr")
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.has_header("Vary") and not response.cookies
    assert response.json()["message"] == "Gold"  # the header never changes it
    again = client.get(f"/badge/{row.slug}.shields.json", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    Listing.objects.filter(pk=row.pk).update(valid_until=dt.date(2020, 1, 1))
    services.bump_revision()
    expired = client.get(f"/badge/{row.slug}.shields.json").json()
    assert expired["message"] == "Gold, expired" and expired["color"] == "6b6b6b"


def test_the_shields_endpoint_knows_no_uncertified_city(world: World, client: Client) -> None:
    for city in (world.registered, world.applicant[0], world.pending.assessment.city):
        assert client.get(f"/badge/{city.slug}.shields.json").status_code == 404
    assert client.get("/badge/nowhere-at-all.shields.json").status_code == 404


def test_the_badge_json_keeps_its_fields(world: World, client: Client) -> None:
    data = client.get(f"/badge/{a_city('gold').slug}.json").json()
    assert list(data) == [
        "city",
        "slug",
        "admin_area",
        "country",
        "level",
        "year",
        "standard",
        "awarded_on",
        "valid_until",
        "status",
        "renewal_until",
        "profile_url",
        "badge_url",
    ]
    assert data["badge_url"].endswith(f"/badge/{data['slug']}.svg")
