"""Certified cities with no published level are one group with one name, on every page, filter,
chart, map and open-data note, in every language."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.utils import translation

from citycert.cities.models import City
from citycert.standards.models import LEVEL_NOT_PUBLISHED
from tests.public.conftest import World

OTHER_NAMES = ("level not published", "Level unknown", "No level", ">Certified<", "Certified 20")


def pages(client: Client, language: str) -> dict[str, str]:
    bogota = City.objects.get(name="Bogotá").slug
    urls = {
        "directory": "/cities/?level=unknown",
        "map": "/cities/map/?level=unknown",
        "stats": "/stats/",
        "profile": f"/cities/{bogota}/",
        "cohort": "/cohorts/2024-02/",
        "open data": "/data/",
        "badge": f"/badge/{bogota}.svg?lang={language}",
    }
    return {name: html.unescape(client.get(url).text) for name, url in urls.items()}


@pytest.mark.parametrize("language", ["en", "es", "pt", "fr"])
def test_every_page_calls_the_group_by_the_same_name(
    world: World, client: Client, language: str
) -> None:
    client.post("/i18n/setlang/", {"language": language})
    with translation.override(language):
        name = str(LEVEL_NOT_PUBLISHED)
    found = pages(client, language)
    for page, text in found.items():
        assert name in text, page
        for other in OTHER_NAMES:
            assert other not in text, (page, other)
    # The filter offers it by that name, the stats chart and its table both use it.
    assert f'<option value="unknown" selected>{name}</option>' in found["directory"]
    stats = found["stats"]
    assert stats.count(name) >= 2
