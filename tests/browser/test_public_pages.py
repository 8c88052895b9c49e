"""The public face in a real browser: axe-core finds nothing on any public page, in English
and Spanish; a visitor finds a city by search and by the map, and copies its badge."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, choose_language
from tests.conftest import clear_published_certifications

PAGES = [
    "/cities/",
    "/cities/?country=US&region=Texas",
    "/cities/map/",
    "/cities/map/?country=US",  # zoomed in
    "/stats/",
    "/data/",
]


@pytest.fixture
def history(page):  # type: ignore[no-untyped-def]
    from citycert.standards.services import load_files

    load_files()
    call_command("import_history", verbosity=0)
    yield page
    clear_published_certifications()


@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_no_violation_on_the_public_pages(history, language: str) -> None:  # type: ignore[no-untyped-def]
    page = history
    if language != "en":
        page.goto("/")
        choose_language(page, language)
    from citycert.public.models import Listing

    profile = f"/cities/{Listing.objects.get(name='Tempe').slug}/"
    for url in [*PAGES, profile]:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language, url
        assert axe_violations(page) == [], url


def test_a_visitor_finds_a_city_by_search_and_by_the_map(history) -> None:  # type: ignore[no-untyped-def]
    page = history
    page.goto("/")
    page.get_by_role("link", name="Find a certified city").click()
    page.get_by_label("Name").fill("bogota")
    page.get_by_role("button", name="Show cities").click()
    page.get_by_role("link", name="Bogotá").click()
    expect(page.locator("h1")).to_have_text("Bogotá")
    embed = page.locator("#embed").input_value()
    assert "/badge/" in embed and ".svg" in embed
    page.goto("/cities/map/")
    # The map is an image; the table under it links each city on the map.
    page.locator("#public-map-table").locator("xpath=..").locator("tbody a").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.rsplit("/cities/", 1)[1].strip("/") not in ("", "map")
    assert page.locator("h2#history-h").is_visible()


def test_a_lead_writes_the_city_story_and_sees_it_published(history, live_server) -> None:  # type: ignore[no-untyped-def]
    from citycert.cities.models import City
    from tests import factories as f
    from tests.browser.test_people_pages import sign_in

    page = history
    city = City.objects.get(name="Tempe")
    lead = f.lead(city).user
    sign_in(page, live_server, lead)
    page.goto(f"/my/cities/{city.slug}/public-profile/")
    assert axe_violations(page) == []
    page.get_by_label("Your story").fill("Every bus stop now has a live arrival sign.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Your public profile was saved.")
    page.context.clear_cookies()
    page.goto(f"/cities/{city.slug}/")
    assert "live arrival sign" in page.locator("blockquote.story").inner_text()
