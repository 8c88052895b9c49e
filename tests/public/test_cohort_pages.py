"""Cohort pages at /cohorts/<label>/: each city links to its public profile."""

from __future__ import annotations

import re

from django.test import Client
from pytest_django import DjangoAssertNumQueries

from citycert.public.models import Listing
from citycert.reviews.models import Certification
from tests.public.conftest import World


def test_each_city_of_a_cohort_links_to_its_profile(world: World, client: Client) -> None:
    html = client.get("/cohorts/2024-02/").text
    lists = "".join(re.findall(r'<ul class="cohort-list">(.*?)</ul>', html, re.DOTALL))
    items = re.findall(r"<li>(.*?)</li>", lists, re.DOTALL)
    certified = Certification.objects.filter(cohort__label="2024-02", published_at__isnull=False)
    assert len(items) == certified.count() > 0
    for cert in certified.select_related("city"):
        link = f'<a href="/cities/{cert.city.slug}/">{cert.city.name}</a>'
        assert sum(link in item for item in items) == 1, cert.city.name
    assert Listing.objects.filter(slug__in=certified.values("city__slug")).count() == len(items)


def test_a_cohort_of_the_review_flow_links_its_city_and_names_no_other(
    world: World, client: Client
) -> None:
    html = client.get("/cohorts/2026-08/").text
    valdivia = world.certified.assessment.city.slug
    assert f'<a href="/cities/{valdivia}/">Valdivia</a>' in html
    assert "Osorno" not in html  # decided "not certified": never named


def test_a_cohort_page_needs_a_bounded_number_of_queries(
    world: World, client: Client, django_assert_max_num_queries: type[DjangoAssertNumQueries]
) -> None:
    with django_assert_max_num_queries(12):
        assert client.get("/cohorts/2024-02/").status_code == 200
