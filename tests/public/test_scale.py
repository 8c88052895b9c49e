"""At any scale, a public page runs a fixed number of queries; generate_demo makes the data."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from citycert.cities.models import City
from citycert.public.models import Listing
from citycert.public.views import PER_PAGE
from citycert.reviews.models import Certification

#: Queries a public page may run with a cold cache, whatever the amount of data.
BOUND = 8


@pytest.fixture
def generated(standard: None, settings, request) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    cities, events = request.param
    call_command("generate_demo", cities=cities, events=events, verbosity=0)
    return cities, events


@pytest.mark.parametrize("generated", [(30, 90), (400, 2000)], indirect=True)
def test_public_pages_run_the_same_few_queries_at_any_size(
    generated: tuple[int, int],
    client: Client,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    cities, events = generated
    assert Listing.objects.count() == cities
    assert Certification.objects.count() == events
    slug = Listing.objects.order_by("name").values_list("slug", flat=True).first()
    country = Listing.objects.values_list("country", flat=True).first()
    for url in (
        "/cities/",
        f"/cities/?page={min(3, -(-cities // PER_PAGE))}&sort=level",  # a page that exists
        f"/cities/?country={country}&q=a",
        "/cities/map/",
        f"/cities/{slug}/",
        "/stats/",
        f"/badge/{slug}.svg",
        f"/badge/{slug}.json",
        "/data/",
        "/data/cities.csv",
        "/data/history.geojson",
        "/cohorts/",
        "/cohorts/2024-02/",
    ):
        cache.clear()
        with django_assert_max_num_queries(BOUND):
            first = client.get(url)
            assert first.status_code == 200, url
        with django_assert_max_num_queries(0):  # the same page again comes from the cache
            again = client.get(url)
            assert again.status_code == 200, url
            assert again.content == first.content


def test_generate_demo_makes_a_consistent_history(standard: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("generate_demo", cities=50, events=260, verbosity=0)
    assert City.objects.filter(gazetteer_id__startswith="synthetic:").count() == 50
    for listing in Listing.objects.all():
        events = list(
            Certification.objects.filter(city_id=listing.pk)
            .order_by("cohort__label")
            .values_list("event", flat=True)
        )
        assert events[0] == "new" and "new" not in events[1:]
        assert listing.certifications == len(events)
    with pytest.raises(CommandError, match="exists already"):
        call_command("generate_demo", cities=10, events=10, verbosity=0)


def test_generate_demo_refuses_to_run_in_production(standard: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_demo", cities=10, events=10, verbosity=0)
    assert not City.objects.exists()
