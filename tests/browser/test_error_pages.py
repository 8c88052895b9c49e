"""Every error page a person can meet (400, 403, a refused form, 404, 429 and 500) is in the
site's layout, in the reader's language, axe-clean and as wide as a phone at most."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests import factories as f
from tests.browser.conftest import axe_violations, choose_language
from tests.browser.test_every_page import DESKTOP, PHONE, overflow

HEADINGS = {
    "en": {
        400: "The request could not be read",
        403: "You may not do this",
        "csrf": "This form has expired",
        404: "Page not found",
        429: "Too many requests",
        500: "Something went wrong",
    },
    "es": {
        400: "No se pudo leer la solicitud",
        403: "Usted no puede hacer esto",
        "csrf": "Este formulario ha caducado",
        404: "Página no encontrada",
        429: "Demasiadas solicitudes",
        500: "Algo salió mal",
    },
}


def checked(page: Any, status: int, kind: int | str, language: str) -> list[str]:
    """What is wrong with the error page the browser shows now."""
    problems = []
    heading = page.locator("main h1").inner_text()
    if HEADINGS[language][kind] not in heading:
        problems.append(f"{kind}: heading {heading!r}")
    if page.evaluate("document.documentElement.lang") != language:
        problems.append(f"{kind}: not in {language}")
    if page.locator("header.site-header").count() != 1:
        problems.append(f"{kind}: not in the layout")
    if found := axe_violations(page):
        problems.append(f"{kind}: axe {found}")
    page.set_viewport_size(PHONE)
    if wide := overflow(page):
        problems.append(f"{kind}: wider than a phone {wide}")
    page.set_viewport_size(DESKTOP)
    return problems


@pytest.mark.parametrize("language", ["en", "es"])
def test_error_pages_are_in_the_layout_language_and_accessible(
    browser: Any, live_server: Any, transactional_db: None, settings: Any, language: str
) -> None:
    settings.ROOT_URLCONF = "tests.layout.error_urls"  # the site, plus /boom/ that fails
    settings.PUBLIC_RATE_ANONYMOUS = "1000/min"
    signed_in = Client()
    signed_in.force_login(f.person(), backend="allauth.account.auth_backends.AuthenticationBackend")
    context = browser.new_context(bypass_csp=True, base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    page.goto("/")
    if language != "en":
        choose_language(page, language)
    problems: list[str] = []

    for url, status, kind in (
        ("/cities/?q=%00", 400, 400),
        ("/no/such/page/", 404, 404),
        ("/boom/", 500, 500),
    ):
        response = page.goto(url)
        assert response is not None and response.status == status, url
        problems += checked(page, status, kind, language)

    # A form sent from a page whose security cookie has gone (cleared, or expired).
    page.goto("/accounts/login/")
    context.clear_cookies(name=django_settings.CSRF_COOKIE_NAME)
    page.fill("input[name=login]", "someone@example.org")
    page.fill("input[name=password]", "not the password")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    problems += checked(page, 403, "csrf", language)

    # Past the rate for visitors (searches: a page kept in the cache costs nothing, and is
    # not counted).
    settings.PUBLIC_RATE_ANONYMOUS = "1/min"
    page.goto("/cities/?q=first")
    response = page.goto("/cities/?q=second")
    assert response is not None and response.status == 429
    problems += checked(page, 429, 429, language)
    settings.PUBLIC_RATE_ANONYMOUS = "1000/min"

    # Signed in, on a page for program staff only.
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    response = page.goto("/program/reviews/")
    assert response is not None and response.status == 403
    problems += checked(page, 403, 403, language)
    context.close()
    assert problems == []
