"""A criterion's page leads to the criteria before and after it, in the Standard's order and
across practice areas, and back to the assessment's overview."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from citycert.assessments import services
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def criterion_page(code: str) -> tuple[str, str]:
    """The page of `code` for the lead of a city with an assessment, and the city's slug."""
    c = f.city()
    lead = f.lead(c).user
    services.start(c, lead)
    client = Client()
    client.force_login(lead, backend=BACKEND)
    page = client.get(f"/my/cities/{c.slug}/assessment/criteria/{code}/")
    assert page.status_code == 200
    return page.text, c.slug


def navigation(page: str) -> str:
    found = re.search(r'<nav aria-label="Move between criteria".*?</nav>', page, re.S)
    assert found
    return found.group(0)


def test_it_links_the_first_criterion_to_the_next_only() -> None:
    page, slug = criterion_page("DM1")
    nav = navigation(page)
    assert "Previous criterion" not in nav
    assert (
        f'rel="next" href="/my/cities/{slug}/assessment/criteria/DM2/">Next criterion: DM2<' in nav
    )
    assert f'href="/my/cities/{slug}/assessment/">Back to the overview<' in nav
    bottom = page.split("</main>")[0].split("</nav>")[-1]
    assert f'href="/my/cities/{slug}/assessment/criteria/DM2/">Next criterion: DM2<' in bottom


def test_it_crosses_from_one_practice_area_to_the_next() -> None:
    page, slug = criterion_page("DM9")
    nav = navigation(page)
    assert f'href="/my/cities/{slug}/assessment/criteria/DM8/">Previous criterion: DM8<' in nav
    assert f'href="/my/cities/{slug}/assessment/criteria/LC1/">Next criterion: LC1<' in nav


def test_the_last_criterion_leads_back_to_the_overview() -> None:
    page, slug = criterion_page("EVAL4")
    nav = navigation(page)
    assert f'rel="prev" href="/my/cities/{slug}/assessment/criteria/EVAL3/">' in nav
    assert "Next criterion" not in page
    bottom = page.split("</main>")[0].split("</nav>")[-1]
    assert f'href="/my/cities/{slug}/assessment/">Back to the overview<' in bottom
