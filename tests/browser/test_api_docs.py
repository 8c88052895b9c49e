"""The API's interactive documentation in a real browser, with the site's strict CSP on: it
renders, breaks no CSP rule, and fetches nothing from another origin."""

from __future__ import annotations

from urllib.parse import urlsplit


def test_the_api_docs_work_offline_under_the_csp(browser, live_server, transactional_db) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url)  # the CSP is enforced here
    page = context.new_page()
    page.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    elsewhere: list[str] = []
    console_errors: list[str] = []
    own = urlsplit(live_server.url).netloc
    page.on(
        "request",
        lambda r: (
            elsewhere.append(r.url)
            if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != own
            else None
        ),
    )
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    try:
        response = page.goto("/api/v1/docs")
        assert response is not None and response.status == 200
        assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
        page.wait_for_selector(".opblock", timeout=20_000)
        assert page.locator(".opblock").count() >= 20
        assert page.get_by_text("/api/v1/my/cities/{slug}/assessment/submit").count() >= 1
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], violations
        assert [e for e in console_errors if "Content Security Policy" in e] == []
        assert elsewhere == []
    finally:
        context.close()


def test_a_person_creates_and_revokes_a_token_on_an_accessible_page(page, live_server) -> None:  # type: ignore[no-untyped-def]
    from citycert.accounts.models import ApiToken
    from tests import factories as f
    from tests.browser.conftest import axe_violations
    from tests.browser.test_people_pages import sign_in

    user = f.person()
    sign_in(page, live_server, user)
    page.goto("/my/")
    page.get_by_role("link", name="API tokens").click()
    assert axe_violations(page) == []
    page.get_by_label("Name").fill("monthly report")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create the token").click()
    secret = page.get_by_role("textbox", name="Token").input_value()
    assert secret.startswith("cct_")
    assert axe_violations(page) == []
    token = ApiToken.objects.get(user=user)
    assert token.scope == "write" and secret not in token.token_hash
    page.goto("/my/tokens/")
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke monthly report").click()
    token.refresh_from_db()
    assert token.revoked_at is not None
