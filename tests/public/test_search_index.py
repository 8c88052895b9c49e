"""The directory's search: every word anywhere in a city's name, region or country, whatever
the accents and capitals, answered from an index (trigrams on PostgreSQL, FTS5 on SQLite)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from citycert.cities.models import City
from citycert.public.models import Listing
from citycert.public.services import refresh
from tests.public.conftest import World
from tests.public.test_directory import names


def test_accents_and_capitals_in_the_query_or_the_name_make_no_difference(
    world: World, client: Client
) -> None:
    for query in ("medellín", "MEDELLIN", "Medellin", "edell", "ÉDELLÍ"):
        assert names(client.get("/cities/", {"q": query}).text) == ["Medellín"], query
    for query in ("bogotá", "ogot", "BOGOTA"):
        assert names(client.get("/cities/", {"q": query}).text) == ["Bogotá"], query


def test_every_word_must_be_found_and_short_words_still_count(world: World, client: Client) -> None:
    both = names(client.get("/cities/", {"q": "kansas city"}).text)
    assert both and all("Kansas City" in n for n in both)
    assert names(client.get("/cities/", {"q": "kansas boston"}).text) == []
    # Words too short for trigrams are still looked for, anywhere in the key.
    assert "Valdivia" in names(client.get("/cities/", {"q": "va cl"}).text)


def test_the_index_follows_a_renamed_city(world: World, client: Client) -> None:
    city = City.objects.get(name="Valdivia")
    City.objects.filter(pk=city.pk).update(name="Zorvik Quell", search_key="zorvik quell cl")
    refresh([city.pk])
    assert names(client.get("/cities/", {"q": "orvik"}).text) == ["Zorvik Quell"]
    assert names(client.get("/cities/", {"q": "valdivia"}).text) == []  # the old key is gone
    refresh()  # every listing rebuilt: each found once, by its own key only
    assert names(client.get("/cities/", {"q": "zorvik quell"}).text) == ["Zorvik Quell"]
    assert names(client.get("/cities/", {"q": "valdivia"}).text) == []


def test_the_search_has_an_index_on_this_database(world: World) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'listing_search_trgm'"
            )
            assert "gin_trgm_ops" in cursor.fetchone()[0]
        else:
            cursor.execute(
                "SELECT count(*) FROM public_listing_search WHERE search_key LIKE '%valdivia%'"
            )
            assert cursor.fetchone()[0] == 1


def test_the_query_planner_knows_the_listings_after_a_refresh(world: World) -> None:
    # Without statistics SQLite took a level filter for a narrow one and read a third of the
    # table before a search narrowed it; a refresh gives the planner the table as it is.
    refresh()
    listed = Listing.objects.count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'public_listing'")
            assert int(cursor.fetchone()[0]) == listed
        else:
            cursor.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'public_listing'"
                " AND idx = 'listing_by_level'"
            )
            assert int(cursor.fetchone()[0].split()[0]) == listed


@pytest.mark.usefixtures("published_cleanup")
def test_on_postgresql_the_rebuilt_listings_are_vacuumed_once_committed(world: World) -> None:
    # Counts are then answered from an index alone: the pages are marked all-visible.
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")
    refresh()  # its own transaction: VACUUM runs when it commits
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = 'public_listing'")
        assert cursor.fetchone()[0] > 0


def test_every_order_is_read_from_an_index_holding_the_row_on_postgresql(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no covering indexes")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'public_listing'"
            " AND indexname LIKE 'listing_by_%%' AND indexname <> 'listing_by_region'"
        )
        found = dict(cursor.fetchall())
    assert len(found) == 6
    for definition in found.values():
        assert "INCLUDE (city_id, slug, admin_area, level, standard" in definition
