"""In Spanish, Portuguese and French, what a city reads of the Standard is in that language: the
Standard's page, a criterion's page (statement, checklist, documents, guidance), the outcome
gate and the report show no English sentence of the Standard, and axe finds no violation."""

from __future__ import annotations

import re

import pytest

from citycert.standards.catalogue import texts
from citycert.standards.definitions import packaged
from tests.browser.conftest import axe_violations, choose_language
from tests.browser.test_people_pages import sign_in
from tests.reports.conftest import assessed_city


def english_sentences() -> list[str]:
    """The 2022 Standard's English, cut into sentences of four words or more (titles and
    names of a word or two, which may be proper names, aside)."""
    found = set()
    for _, text in texts(packaged("2022")):
        for sentence in re.split(r"(?<=[.;:!?])\s+", text.en):
            sentence = sentence.strip().rstrip(".;:")
            if len(sentence.split()) >= 4:
                found.add(sentence)
    return sorted(found)


@pytest.mark.parametrize("language", ["es", "pt", "fr"])
def test_the_standard_reads_in_the_city_s_language(page, live_server, language: str) -> None:  # type: ignore[no-untyped-def]
    c, lead, current = assessed_city("Rosario", claimed=20, admin_area="Santa Fe", submit=False)
    sign_in(page, live_server, lead)
    page.goto("/")
    choose_language(page, language)
    english = english_sentences()
    assert len(english) > 300
    for url in [
        "/standard/2022/",
        f"/my/cities/{c.slug}/assessment/criteria/DM1/",
        f"/my/cities/{c.slug}/assessment/criteria/RDC4/",
        f"/my/cities/{c.slug}/assessment/outcome/",
        f"/my/cities/{c.slug}/reports/assessments/{current.pk}/",
    ]:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language, url
        shown = " ".join(page.locator("main").inner_text().split())
        left = [sentence for sentence in english if sentence in shown]
        assert left == [], (url, left[:3])
        assert axe_violations(page) == [], url
