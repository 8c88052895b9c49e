"""Nothing about a city that applied and was not certified appears on any public page.

Every route the authorization table says anonymous visitors can read is requested, in each
language, and must not mention the applicant; a URL added later is covered by adding its row.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from citycert.assessments import services
from citycert.reviews.models import Certification, Cohort
from citycert.standards.models import StandardVersion
from tests import factories as f
from tests.accounts.test_authorization_matrix import TABLE, World, world  # noqa: F401

APPLICANT = "Quietvale"


@pytest.mark.parametrize("language", ["en", "es", "pt", "fr"])
def test_no_public_page_names_an_uncertified_applicant(world: World, language: str) -> None:  # noqa: F811
    applicant = f.city(APPLICANT, "US")
    lead = f.lead(applicant)
    services.start(applicant, lead.user)
    # Decided but never announced: a cohort in preparation holds its certification.
    draft = Cohort.objects.create(label="2026-12")
    Certification.objects.create(
        city=applicant,
        cohort=draft,
        standard=StandardVersion.objects.get(code="2022"),
        level="gold",
    )
    client = Client(headers={"accept-language": language})
    public = [name for name, route in TABLE.items() if route.get["anonymous"] == 200]
    assert len(public) >= 10
    checked = 0
    for name in public:
        response = client.get(reverse(name, kwargs=TABLE[name].kwargs(world)))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert APPLICANT not in body and applicant.slug not in body, name
        checked += 1
    for url in ("/cohorts/2026-12/", "/cohorts/2026-12.json"):
        assert client.get(url).status_code == 404
    assert checked == len(public)
