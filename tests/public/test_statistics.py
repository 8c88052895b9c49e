"""Statistics at /stats/."""

from __future__ import annotations

from django.test import Client

from citycert.public import queries
from citycert.public.models import Listing
from citycert.reviews.models import Certification
from tests.public.conftest import World


def test_the_figures_add_up(world: World) -> None:
    data = queries.statistics()
    assert data.cities == Listing.objects.count()
    assert data.cohorts[-1]["to_date"] == data.cities
    published = Certification.objects.filter(published_at__isnull=False, superseded_by__isnull=True)
    assert data.first_time + data.repeat == published.count()
    # Announcements name some cities only from a later step (Tempe: moved up to Platinum).
    assert data.first_time == published.filter(event="new").count() == 70
    assert sum(n for _level, n in data.by_level) == data.cities
    assert sum(n for _c, _name, n in data.by_country) == data.cities
    first = data.cohorts[0]
    assert first["label"] == "2018-01" and first["new"] == first["to_date"] == 9
    chile = {code: n for code, _name, n in data.by_country}["CL"]
    assert chile == 2  # one in the shipped history, and Valdivia


def test_the_page_shows_charts_with_their_numbers(world: World, client: Client) -> None:
    html = client.get("/stats/").text
    assert html.count("<svg") == 4
    assert html.count("<table") == 4
    assert "Cities certified to date" in html
    assert "Chile" in html and "United States" in html


def test_the_page_names_countries_in_the_reader_language(world: World, client: Client) -> None:
    html = client.get("/stats/", HTTP_ACCEPT_LANGUAGE="es").text
    assert "Estados Unidos" in html
