"""Each public page describes itself in a meta description of its own."""

from __future__ import annotations

import html
import re

from django.test import Client

from citycert.public.models import Listing
from tests.public.conftest import World

DEFAULT = "citycert recognises city governments that use data and evidence well."


def description(client: Client, url: str, language: str = "en") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    found = re.findall(r'<meta name="description" content="([^"]*)">', response.text)
    assert len(found) == 1, url
    return html.unescape(found[0])


def test_every_public_page_has_a_description_of_its_own(world: World, client: Client) -> None:
    tempe = Listing.objects.get(name="Tempe")
    bogota = Listing.objects.get(name="Bogotá")
    urls = [
        "/",
        "/cities/",
        "/cities/map/",
        f"/cities/{tempe.slug}/",
        f"/cities/{bogota.slug}/",
        "/cohorts/",
        "/cohorts/2024-02/",
        "/cohorts/2024-06/",
        "/stats/",
        "/data/",
        "/standard/",
        "/standard/2022/",
        "/standard/2018/",
        "/snapshot/",
    ]
    found = {url: description(client, url) for url in urls}
    assert all(text and text != DEFAULT for text in found.values()), found
    assert len(set(found.values())) == len(urls), found
    assert found[f"/cities/{tempe.slug}/"] == (
        "Tempe, United States of America: certified at the Platinum level in 2024. "
        "Its certification history and badge."
    )
    assert found[f"/cities/{bogota.slug}/"].startswith("Bogotá, Colombia: a certified city since")
    assert "2024-02" in found["/cohorts/2024-02/"]


def test_a_description_is_in_the_reader_s_language(world: World, client: Client) -> None:
    tempe = Listing.objects.get(name="Tempe")
    assert "Estados Unidos" in description(client, f"/cities/{tempe.slug}/", "es")
