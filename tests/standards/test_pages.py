"""/standard/ and /standard/<version>/: content, accessibility basics, languages, query bounds."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("standard")


def test_it_lists_the_versions(client: Client, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(3):
        response = client.get("/standard/")
    assert response.status_code == 200
    html = response.text
    for label in ("2022 Standard (version 3.0)", "2018 Standard", "2017 Standard"):
        assert label in html
    assert "45 (12 known)" in html
    assert "Silver ≥ 51%, Gold ≥ 68%, Platinum ≥ 85%" in html


def test_it_shows_every_2022_criterion_with_checklist_and_documents(
    client: Client,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    with django_assert_max_num_queries(9):
        response = client.get("/standard/2022/")
    assert response.status_code == 200
    html = response.text
    codes = re.findall(r'<article class="criterion" id="([A-Z]+[0-9]+)"', html)
    assert len(codes) == 43 and codes[0] == "DM1" and codes[-1] == "EVAL4"
    assert html.count('<ol class="checklist"') == 43
    assert html.count('<ul class="documents">') == 43
    assert re.search(r"Meet [1-6] of these [3-6]:", html)
    assert "Outcome gate" in html and "Required for every level." in html


def test_it_is_honest_about_what_is_not_known_of_2018(client: Client) -> None:
    html = client.get("/standard/2018/").text
    assert "12 of this version's 45 criteria are known" in html
    assert "The program's own code for this criterion was not published" in html


def test_an_unknown_version_is_a_friendly_404(client: Client) -> None:
    response = client.get("/standard/1999/")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_the_pages_only_answer_reads(client: Client) -> None:
    assert client.post("/standard/2022/").status_code == 405


@pytest.mark.parametrize("url", ["/", "/standard/", "/standard/2022/", "/standard/2018/"])
def test_every_page_has_the_accessible_layout(client: Client, url: str) -> None:
    html = client.get(url).text
    assert re.search(r'<html lang="en">', html)
    assert html.count("<h1") == 1
    assert re.search(r'<a class="[^"]*\bskip-link\b[^"]*" href="#main">', html)
    assert '<main id="main"' in html and "<header" in html and "<footer" in html
    assert '<label for="language-select">' in html
    for level in ("h2", "h3", "h4"):  # heading levels are never skipped
        if f"<{level}" in html:
            assert f"<h{int(level[1]) - 1}" in html


def test_the_language_switcher_works_without_javascript(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/standard/2022/"})
    assert response.status_code == 302
    assert response["Location"] == "/standard/2022/"
    html = client.get("/standard/2022/").text
    assert '<html lang="es">' in html
    assert "Estrategia" in html or "estrategia" in html  # DM1's Spanish title
    # Every text of the 2022 Standard has its Spanish: nothing falls back to English.
    assert "La ciudad tiene un plan escrito" in html  # DM1's statement
    assert '<span lang="en">' not in html
    assert '<option value="es" lang="es" selected>' in html


@pytest.mark.parametrize("language", ["es", "pt", "fr"])
def test_the_layout_is_translated(client: Client, language: str) -> None:
    html = client.get("/standard/", headers={"accept-language": language}).text
    assert f'<html lang="{language}">' in html
    assert "Skip to main content" not in html


def test_pages_send_a_strict_content_security_policy(client: Client) -> None:
    policy = client.get("/standard/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_a_text_without_the_reader_s_language_is_shown_in_english_and_marked(
    client: Client, standard: None
) -> None:
    from citycert.standards.models import Criterion

    dm1 = Criterion.objects.get(version__code="2022", code="DM1")
    dm1.statement = {"en": dm1.statement["en"]}
    dm1.save(update_fields=["statement"])
    client.post("/i18n/setlang/", {"language": "es", "next": "/standard/2022/"})
    html = client.get("/standard/2022/").text
    assert '<span lang="en">' in html and dm1.statement["en"][:40] in html
