"""The reviewer's workspace moves between criteria from the keyboard: j or Alt+Down to the
next criterion's heading, k or Alt+Up back; typing j in a comment box stays typing."""

from __future__ import annotations

from django.conf import settings
from django.test import Client

from citycert.assessments import services as assessment_services
from citycert.standards.services import load_files
from tests import factories as f

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def test_j_and_k_move_between_criteria(browser, live_server, published_cleanup) -> None:  # type: ignore[no-untyped-def]
    load_files()
    c = f.city("Valdivia", "CL")
    lead = f.lead(c).user
    assessment = f.assessment_of(c, lead, 30)
    assessment_services.submit(assessment, lead)
    reviewer = f.person(reviewer=True, mfa=True)
    f.assign(assessment, reviewer)
    client = Client()
    client.force_login(reviewer, backend=BACKEND)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"/my/reviews/{c.slug}/?show=claimed")
    headings = page.eval_on_selector_all("[data-criterion-heading]", "hs => hs.map(h => h.id)")
    assert len(headings) >= 3
    focused = "() => document.activeElement.id"

    page.keyboard.press("j")
    assert page.evaluate(focused) == headings[0]
    page.keyboard.press("j")
    assert page.evaluate(focused) == headings[1]
    page.keyboard.press("Alt+ArrowDown")
    assert page.evaluate(focused) == headings[2]
    page.keyboard.press("k")
    page.keyboard.press("Alt+ArrowUp")
    assert page.evaluate(focused) == headings[0]
    # The hint is shown only where the keys work, that is with the script.
    assert page.is_visible("#review-keys-hint")

    code = headings[0].removeprefix("heading-")
    page.fill(f"#c-{code}", "")
    page.focus(f"#c-{code}")
    page.keyboard.type("just a note")
    assert page.input_value(f"#c-{code}") == "just a note"
    assert page.evaluate(focused) == f"c-{code}"
    context.close()
