"""Every page of the authorization matrix that draws HTML, for every role that can see it:
it fits a 390 px phone with no sideways scrolling, and axe-core finds nothing on it, in
English on the phone and in Spanish on a desktop screen.

The pages and the roles come from the matrix itself (tests/accounts/test_authorization_matrix),
so a page added there is measured here too. Each role is one test: it builds the matrix's
world once and walks every page that role gets a 200 for. Axe runs once per page, for the first
role in the matrix that sees it (the checks are slow; the width check is cheap and runs for all).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.accounts.test_authorization_matrix import ROLES, TABLE, World, world  # noqa: F401
from tests.browser.conftest import axe_violations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def first_role_seeing(name: str) -> str:
    """The role whose walk runs axe on a page: the first in the matrix that gets a 200."""
    return next(role for role in ROLES if TABLE[name].get.get(role) == 200)


def html_pages(here: World, role: str, client: Client) -> list[tuple[str, str]]:
    """(name, url) of the matrix's pages this role sees as HTML."""
    pages = []
    for name, route in sorted(TABLE.items()):
        if route.get.get(role) != 200:
            continue
        url = reverse(name, kwargs=route.kwargs(here))
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append((name, url))
    return pages


def browser_context(
    browser: Any, live_server: Any, client: Client, viewport: dict[str, int]
) -> Any:
    context = browser.new_context(bypass_csp=True, base_url=live_server.url, viewport=viewport)
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if session is not None:
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session.value, "url": live_server.url}]
        )
    return context


def overflow(page: Any) -> dict[str, Any] | None:
    """The page's width beyond the screen, and the widest elements that cause it."""
    found: dict[str, Any] | None = page.evaluate(
        """() => {
            const doc = document.documentElement;
            if (doc.scrollWidth <= window.innerWidth) return null;
            const wide = [];
            for (const el of document.querySelectorAll('body *')) {
                if (!el.checkVisibility()) continue;
                const r = el.getBoundingClientRect();
                if (r.right > window.innerWidth + 1 && r.width > 0) {
                    wide.push([r.right, el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                              (el.className && typeof el.className === 'string' ?
                               '.' + el.className.trim().split(/\\s+/).join('.') : '') +
                              ' ' + Math.round(r.right)]);
                }
            }
            wide.sort((a, b) => b[0] - a[0]);
            return {scrollWidth: doc.scrollWidth, culprits: wide.slice(0, 6).map(w => w[1])};
        }"""
    )
    return found


@pytest.fixture
def served_world(transactional_db: None, world: World) -> Any:  # noqa: F811
    """The matrix's world, committed so the live server sees it, and cleared after."""
    yield world
    from tests.conftest import clear_published_certifications

    clear_published_certifications()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.skipif(
    "postgres" in os.environ.get("DATABASE_URL", ""),
    reason="widths and accessibility do not depend on the database: walked once, on SQLite",
)
def test_every_page_fits_a_phone_and_is_accessible(
    served_world: World, role: str, browser: Any, live_server: Any
) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(
            served_world.users[role], backend="allauth.account.auth_backends.AuthenticationBackend"
        )
    pages = html_pages(served_world, role, client)
    assert pages, f"{role} sees no HTML page at all"
    problems: dict[str, Any] = {}

    phone = browser_context(browser, live_server, client, PHONE)
    page = phone.new_page()
    for name, url in pages:
        page.goto(url)
        wide = overflow(page)
        if wide:
            problems[f"{name} (390 px)"] = wide
        if first_role_seeing(name) == role:
            found = axe_violations(page)
            if found:
                problems[f"{name} (axe, en)"] = found
    phone.close()

    desktop = browser_context(browser, live_server, client, DESKTOP)
    page = desktop.new_page()
    page.goto("/")
    page.select_option("#language-select", "es")
    page.click("form.language-form button")
    page.wait_for_function("document.documentElement.lang === 'es'")
    for name, url in pages:
        if first_role_seeing(name) != role:
            continue
        page.goto(url)
        lang = page.evaluate("document.documentElement.lang")
        if lang != "es":
            problems[f"{name} (es)"] = f"drawn in {lang!r}"
        found = axe_violations(page)
        if found:
            problems[f"{name} (axe, es)"] = found
    desktop.close()

    report = json.dumps(problems, indent=1, ensure_ascii=False)
    assert problems == {}, f"{role}: {len(problems)} problem(s) on {len(pages)} pages:\n{report}"
