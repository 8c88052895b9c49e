"""The directory's pages are read in SQL written by hand (`DirectoryRows`), not through the
ORM: whatever the filters, order and page, they must list exactly the cities the filters
describe, in the order the ORM's queryset gives, and count them right."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.paginator import Paginator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citycert.cities.gazetteer import normalize
from citycert.public import queries
from citycert.public.models import LEVEL_RANK, Listing
from tests.public.conftest import World

WORDS = ["san", "sa", "va", "ci", "city", "kansas city", "Bogotá", "MEDELLÍN", "new york"]
WORDS += ["ville", "cl", "us", "zzz", "a", 'a"b', "ka*", "100%", "o_o", "são", "  "]


@st.composite
def directory_queries(draw: Any) -> queries.DirectoryQuery:
    return queries.DirectoryQuery(
        q=draw(st.sampled_from(WORDS) | st.text(max_size=8)),
        level=draw(st.sampled_from(["", "platinum", "gold", "silver", "unknown"])),
        country=draw(st.sampled_from(["", "US", "CO", "CL", "BR", "MX", "CA"])),
        region=draw(st.sampled_from(["", "Texas", "Antioquia", "California", "Los Ríos"])),
        standard=draw(st.sampled_from(["", "2017", "2018", "2022"])),
        year=draw(st.sampled_from([None, 2017, 2019, 2021, 2023, 2025, 2026])),
        sort=draw(st.sampled_from(list(queries.SORTS))),
    )


def matches(listing: Listing, query: queries.DirectoryQuery) -> bool:
    """What the filters mean, said in Python."""
    rank = 0 if query.level == "unknown" else LEVEL_RANK.get(query.level)
    return (
        all(word in listing.search_key for word in normalize(query.q).split())
        and (not query.level or listing.level_rank == rank)
        and (not query.country or listing.country == query.country)
        and (not query.region or listing.admin_area == query.region)
        and (not query.standard or listing.standard == query.standard)
        and (query.year is None or listing.year == query.year)
    )


def order_key(row: Any, sort: str) -> tuple[Any, ...]:
    return tuple(getattr(row, name.lstrip("-")) for name in queries.SORTS[sort][1])


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=directory_queries(), start=st.integers(0, 90), size=st.integers(1, 60))
def test_any_query_lists_what_its_filters_describe_in_the_orm_s_order(
    world: World, query: queries.DirectoryQuery, start: int, size: int
) -> None:
    everyone = list(Listing.objects.all())
    wanted = {listing.pk for listing in everyone if matches(listing, query)}
    rows = queries.DirectoryRows(query)
    assert len(rows) == len(wanted)
    assert {row.pk for row in rows[0 : len(wanted) + 1]} == wanted
    page = rows[start : start + size]
    expected = list(
        queries.listings(query).values_list("pk", "name", "slug", "level_rank", "year", "country")[
            start : start + size
        ]
    )
    assert [order_key(row, query.sort) for row in page] == [
        order_key(Listing(level_rank=r[3], year=r[4], name=r[1], country=r[5]), query.sort)
        for r in expected
    ]
    for row in page:  # each row holds its own listing's columns
        listing = next(x for x in everyone if x.pk == row.pk)
        assert (row.name, row.slug, row.admin_area, row.country, row.level, row.year) == (
            listing.name,
            listing.slug,
            listing.admin_area,
            listing.country,
            listing.level,
            listing.year,
        )
        assert row.standard == listing.standard


def test_django_s_paginator_pages_through_them(world: World) -> None:
    rows = queries.DirectoryRows(queries.DirectoryQuery(sort="name"))
    total = Listing.objects.count()
    paginator = Paginator(rows, 50)
    assert paginator.count == total
    first, last = paginator.get_page(1), paginator.get_page("999")
    assert len(first) == min(total, 50)
    assert last.number == paginator.num_pages
    assert len(last) == total - 50 * (paginator.num_pages - 1)
    assert not {r.pk for r in first} & {r.pk for r in last} or paginator.num_pages == 1
    assert paginator.get_page("junk").number == 1
    assert rows[5:5] == [] and rows[total + 10 : total + 20] == []
    everything = list(rows)  # one read of every match, in order
    assert len(everything) == total and everything[0] == rows[0] == first[0]
    assert rows[total - 1] == everything[-1]
    with pytest.raises(IndexError):
        rows[total]
