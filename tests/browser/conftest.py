"""Real-browser tests: Playwright driving Debian's chromium (never a downloaded browser).

When chromium is missing they are skipped, and the run says so plainly; with
CITYCERT_REQUIRE_BROWSER=1 (as CI sets it) a missing chromium fails the run instead.

They check what a person sees and does in a browser, which does not depend on the database:
they run once, in the SQLite suite, and are skipped when the suite runs on PostgreSQL (every
other test runs on both). That keeps the whole CI run within its time.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
SKIP_REASON = "chromium is not installed (apt-get install chromium): browser tests skipped"


ON_POSTGRESQL = "postgres" in os.environ.get("DATABASE_URL", "")
PG_REASON = "browser tests do not depend on the database: run once, in the SQLite suite"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM and not ON_POSTGRESQL:
        return
    if not CHROMIUM and os.environ.get("CITYCERT_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("CITYCERT_REQUIRE_BROWSER=1 but " + SKIP_REASON)
    browser_dir = str(Path(__file__).parent)
    reason = PG_REASON if CHROMIUM else SKIP_REASON
    for item in items:
        if str(item.path).startswith(browser_dir):
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if not CHROMIUM:
        terminalreporter.write_line(f"NOTE: {SKIP_REASON}", yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the
    # fixtures make meanwhile are ordinary synchronous ones.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):  # type: ignore[no-untyped-def]
    """A fresh browser page; axe-core is injected past the CSP by the test, not by the site."""
    from citycert.standards.services import load_files

    load_files()
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()
    from tests.conftest import clear_published_certifications

    clear_published_certifications()


def choose_language(page, language: str) -> None:  # type: ignore[no-untyped-def]
    """Switch the site's language from the current page's language form, and wait for the
    answer: a click only starts the form's navigation, and going elsewhere before it ends
    would lose the choice."""
    from playwright.sync_api import expect

    page.select_option("#language-select", language)
    page.click("form.language-form button")
    expect(page.locator("html")).to_have_attribute("lang", language)


def axe_violations(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Run axe-core on the page: WCAG 2.x A and AA rules and best practices."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
