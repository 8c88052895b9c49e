"""The city's home with where it stands, and a criterion page with its navigation: no axe
violation, on a desktop and on a 390 px phone, without horizontal scrolling of the page."""

from __future__ import annotations

import datetime as dt

from citycert.assessments import services
from citycert.reviews import services as reviews
from tests import factories as f
from tests.browser.conftest import axe_violations
from tests.browser.test_people_pages import sign_in


def _city_in_clarification():  # type: ignore[no-untyped-def]
    c, lead, assessment = f.submitted_assessment("Rosario", "AR", claimed=24)
    f.member(c, f.person(name="Inés"))
    f.assign(assessment, f.person(reviewer=True, mfa=True))
    reviews.request_clarification(
        assessment,
        ["DM1"],
        "Which body meets?",
        dt.date.today() + dt.timedelta(days=10),
        f.person(admin=True),
    )
    return c, lead


def test_the_city_home_and_a_criterion_have_no_violation_on_a_phone(page, live_server) -> None:  # type: ignore[no-untyped-def]
    c = f.city("Curitiba", "BR", admin_area="Paraná")
    lead = f.lead(c, f.person(name="Lucía")).user
    ana = f.member(c, f.person(name="Ana")).user
    assessment = services.start(c, lead)
    for answer in assessment.answers.order_by("criterion__position")[:4]:
        services.assign(answer, ana)
    sign_in(page, live_server, lead)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for url in [
            f"/my/cities/{c.slug}/",
            f"/my/cities/{c.slug}/assessment/criteria/DM1/",
            f"/my/cities/{c.slug}/assessment/criteria/EVAL4/",
        ]:
            page.goto(url)
            assert axe_violations(page) == [], (width, url)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (width, url)
    page.goto(f"/my/cities/{c.slug}/assessment/criteria/DM9/")
    page.get_by_role("navigation", name="Move between criteria").get_by_role(
        "link", name="Next criterion: LC1"
    ).click()
    assert page.url.endswith("/criteria/LC1/")


def test_a_city_asked_to_clarify_has_no_violation(page, live_server) -> None:  # type: ignore[no-untyped-def]
    c, lead = _city_in_clarification()
    sign_in(page, live_server, lead)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"/my/cities/{c.slug}/")
    assert "Clarification due on" in page.inner_text("body")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
