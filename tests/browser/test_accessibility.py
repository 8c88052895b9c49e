"""axe-core finds no violation on the pages, in a real browser, in each language; the keyboard
and the no-JavaScript language switch work."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, choose_language

PAGES = [
    "/",
    "/snapshot/",
    "/standard/",
    "/standard/2022/",
    "/standard/2018/",
    "/standard/2017/",
    "/nope/",
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_no_violation(page, url: str, language: str) -> None:  # type: ignore[no-untyped-def]
    if language != "en":
        page.goto("/")
        choose_language(page, language)
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []


def test_the_skip_link_comes_first_and_moves_focus_to_the_content(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/standard/2022/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused.split()
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_language_switch_keeps_the_reader_on_the_same_page(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/standard/2022/")
    page.select_option("#language-select", "pt")
    page.click("form.language-form button")
    expect(page.locator("html")).to_have_attribute("lang", "pt")
    assert page.url.endswith("/standard/2022/")
    expect(page.locator("h2#levels-heading")).to_have_text("Como o nível é decidido")


def test_pages_work_without_javascript(browser, live_server, transactional_db) -> None:  # type: ignore[no-untyped-def]
    from citycert.standards.services import load_files

    load_files()
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/standard/")
    page.select_option("#language-select", "fr")
    page.click("form.language-form button")
    expect(page.locator("h1")).to_have_text("Le Référentiel")
    page.click("a:has-text('2022')")
    # A click starts the navigation but does not wait for the page to load: wait for it.
    expect(page.locator("article.criterion")).to_have_count(43)
    context.close()


def test_cohort_pages_have_no_violation(page) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    call_command("import_history", verbosity=0)
    for url in ["/cohorts/", "/cohorts/2024-02/", "/cohorts/2018-01/"]:
        page.goto(url)
        assert axe_violations(page) == [], url
