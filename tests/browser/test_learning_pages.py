"""Learning resources in a real browser: a city follows its report's roadmap to a resource for
its next criterion, and the list's filters work on a phone, with no axe-core violation."""

from __future__ import annotations

from citycert.learning.models import Audience
from tests.browser.conftest import axe_violations
from tests.browser.test_people_pages import sign_in
from tests.learning.test_learning import make
from tests.reports.conftest import assessed_city


def test_a_city_follows_its_roadmap_to_a_resource_for_its_next_criterion(page, live_server) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = assessed_city("Rosario", claimed=20, submit=False)
    sign_in(page, live_server, lead)
    url = f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/"
    page.goto(url)
    roadmap = page.locator("ol.roadmap")
    first = roadmap.locator("ul.criteria-list > li .code").first.inner_text()
    make("Members clinic for the next step", codes=(first,), audience=Audience.MEMBERS)
    page.goto(url)
    page.locator("ol.roadmap").get_by_role("link", name="Members clinic for the next step").click()
    assert page.locator("h1").inner_text() == "Members clinic for the next step"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Learning resources").first.click()
    page.select_option("#id_kind", "course")
    page.get_by_role("button", name="Filter").click()
    assert "Members clinic for the next step" in page.locator("main").inner_text()
    assert axe_violations(page) == []
