"""The directory of certified cities at /cities/."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from tests.public.conftest import HIDDEN, World


def names(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<th scope="row"><a href="/cities/[^"]+/">([^<]+)</a>', body)


def test_it_lists_every_certified_city_and_no_applicant(world: World, client: Client) -> None:
    html = client.get("/cities/?page=1").text
    assert "76 certified cities" in html  # 75 in the shipped history, and Valdivia
    everything = "".join(client.get(f"/cities/?page={n}").text for n in (1, 2, 3))
    assert "Valdivia" in everything and "Boston" in everything
    for hidden in HIDDEN:
        assert hidden not in everything


def test_each_row_shows_the_current_level_and_the_year_it_was_awarded(
    world: World, client: Client
) -> None:
    html = client.get("/cities/?q=kansas+city").text
    row = html.split("<tbody>")[1].split("</tr>")[0]
    assert "Kansas City" in row and "Gold" in row and "2019" in row  # moved up in 2019-04
    assert "Silver" not in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bogota", ["Bogotá"]),
        ("BOGOTÁ", ["Bogotá"]),
        ("medellin", ["Medellín"]),
        ("sao paulo", ["Mogi das Cruzes"]),  # by its state
        ("valdivia", ["Valdivia"]),
        ("temuco", []),  # an applicant: never found
    ],
)
def test_search_ignores_accents_and_case(
    world: World, client: Client, query: str, expected: list[str]
) -> None:
    assert names(client.get("/cities/", {"q": query}).text) == expected


def test_it_filters_by_level_country_region_standard_and_year(world: World, client: Client) -> None:
    html = client.get("/cities/", {"level": "platinum"}).text
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    assert "Tempe" in names(html)
    assert rows and all("Platinum" in r and "Gold" not in r for r in rows)
    chile = names(client.get("/cities/", {"country": "CL"}).text)
    assert "Valdivia" in chile and all(n not in chile for n in ("Boston", "Tempe"))
    assert "Choose a country first" in client.get("/cities/").text
    arizona = names(client.get("/cities/", {"country": "US", "region": "Arizona"}).text)
    assert "Tempe" in arizona and "Boston" not in arizona
    current = names(client.get("/cities/", {"standard": "2022", "year": "2026"}).text)
    assert current == ["Valdivia"]
    unknown = names(client.get("/cities/", {"level": "unknown"}).text)
    assert "Bogotá" in unknown


def test_it_sorts_by_name_level_and_year(world: World, client: Client) -> None:
    by_name = names(client.get("/cities/", {"sort": "name"}).text)
    assert by_name == sorted(by_name, key=str.casefold)
    by_level = client.get("/cities/", {"sort": "level"}).text
    first = by_level.split("<tbody>")[1].split("</tr>")[0]
    assert "Platinum" in first
    by_year = names(client.get("/cities/", {"sort": "year"}).text)
    assert by_year[0] == "Valdivia"


def test_a_bad_filter_is_named_and_the_rest_still_apply(world: World, client: Client) -> None:
    response = client.get("/cities/", {"country": "ZZ", "year": "nineteen", "q": "valdivia"})
    assert response.status_code == 200
    assert "Some filters were not understood" in response.text
    assert "Country" in response.text.split('class="error-summary"')[1].split("</div>")[0]
    assert names(response.text) == ["Valdivia"]


def test_it_is_paginated(world: World, client: Client) -> None:
    first = names(client.get("/cities/").text)
    second = names(client.get("/cities/", {"page": "2"}).text)
    assert len(first) == 50 and second and not set(first) & set(second)
    assert client.get("/cities/", {"page": "999"}).status_code == 200  # the last page


def test_the_map_zooms_in_on_the_cities_the_filters_find(world: World, client: Client) -> None:
    def view_width(text: str) -> float:
        match = re.search(r'<svg[^>]*class="map-svg"[^>]*viewBox="([^"]+)"', text)
        assert match is not None
        return float(match.group(1).split()[2])

    def drawn(page: str) -> str:
        found = re.search(r'<img src="(/cities/map\.svg[^"]*)"', page)
        assert found is not None
        return client.get(html.unescape(found.group(1))).text

    whole = client.get("/cities/map/").text
    assert "the map zooms in on them" not in whole
    chile = client.get("/cities/map/", {"country": "CL"}).text
    assert "the map zooms in on them" in chile
    assert view_width(drawn(chile)) < view_width(drawn(whole))
    assert "Valdivia" in chile and "Valdivia" in drawn(chile)


def test_a_city_found_by_its_region_says_so(world: World, client: Client) -> None:
    html = client.get("/cities/", {"q": "sao paulo"}).text
    row = html.split("<tbody>")[1].split("</tr>")[0]
    assert "Mogi das Cruzes" in row and "(matches region: São Paulo)" in row
    by_name = client.get("/cities/", {"q": "mogi"}).text
    assert "Mogi das Cruzes" in by_name and "matches region" not in by_name
    antioquia = client.get("/cities/", {"q": "antioquia"}).text
    assert names(antioquia) == ["Medellín", "Rionegro"]
    assert antioquia.count("(matches region: Antioquia)") == 2
