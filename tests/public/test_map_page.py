"""The map page stays small at thousands of cities: the map is an image at its own address,
drawn once per public revision and kept by browsers and CDNs, and the table is paginated."""

from __future__ import annotations

import html
import re

import pytest
from django.core.management import call_command
from django.test import Client

from citycert.public.views import PER_PAGE


@pytest.fixture
def many(standard: None, settings) -> int:  # type: ignore[no-untyped-def]
    settings.DEBUG = True  # generate_demo invents certifications: never in production
    call_command("generate_demo", cities=300, events=900, verbosity=0)
    settings.DEBUG = False
    return 300


def map_address(page: str) -> str:
    found = re.search(r'<img src="(/cities/map\.svg[^"]*)"', page)
    assert found is not None
    return html.unescape(found.group(1))


def test_the_map_page_stays_small_at_hundreds_of_cities(many: int, client: Client) -> None:
    page = client.get("/cities/map/")
    text = page.text
    assert f"{many} cities on the map" in text
    assert text.count('<th scope="row">') == PER_PAGE  # a page of the table, not every city
    assert "<use " not in text  # no marker drawn into the page itself
    assert len(page.content) < 60_000
    second = client.get("/cities/map/", {"page": 2}).text
    assert second.count('<th scope="row">') == PER_PAGE and "Page 2 of" in second


def test_the_map_image_draws_every_city_and_caches_like_a_badge(many: int, client: Client) -> None:
    svg = client.get(map_address(client.get("/cities/map/").text))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg.text.count("<use ") >= many  # a marker for each city (and the legend's)
    assert "public" in svg["Cache-Control"] and "max-age=" in svg["Cache-Control"]
    assert "private" not in svg["Cache-Control"] and not svg.cookies
    assert svg.get("Vary", "") in ("", "Accept-Encoding")
    assert svg["Surrogate-Key"].split() == ["citycert-public", "map"]  # purged with the rest
    assert client.get(svg.request["PATH_INFO"], HTTP_IF_NONE_MATCH=svg["ETag"]).status_code == 304


def test_the_map_image_follows_the_filters(many: int, client: Client) -> None:
    page = client.get("/cities/map/", {"level": "platinum", "page": 2}).text
    address = map_address(page)
    assert "level=platinum" in address and "page" not in address  # one image for every page
    everything = client.get(map_address(client.get("/cities/map/").text)).text
    assert client.get(address).text.count("<use ") < everything.count("<use ")
