"""The certification team in a real browser: an admin assigns two reviewers, they declare and
validate, a clarification goes to the city and back, the admin settles, decides and publishes
the cohort; the public cohort page and JSON then classify the city. axe-core on each page."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from citycert.reviews.services import next_cohort_label
from citycert.standards.services import load_files
from tests import factories as f
from tests.browser.conftest import axe_violations
from tests.browser.test_people_pages import sign_in


def test_review_to_published_cohort(browser, live_server, published_cleanup) -> None:  # type: ignore[no-untyped-def]
    load_files()
    c, lead, assessment = f.submitted_assessment()
    admin = f.person(admin=True, mfa=True, name="Ana Admin")
    rita = f.person(reviewer=True, mfa=True, name="Rita Reviewer")
    raul = f.person(reviewer=True, mfa=True, name="Raúl Reviewer")

    def page_for(user):  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        sign_in(page, live_server, user)
        return page

    staff = page_for(admin)
    staff.goto("/program/reviews/")
    assert axe_violations(staff) == []
    for reviewer in ("Rita Reviewer", "Raúl Reviewer"):
        staff.select_option(f"#r-{assessment.pk}", label=reviewer)
        staff.get_by_role("button", name="Assign Valdivia").click()
        assert "now reviews Valdivia" in staff.inner_text("main")

    for reviewer, disagree in ((rita, False), (raul, True)):
        page = page_for(reviewer)
        page.goto(f"/my/reviews/{c.slug}/declare/")
        page.get_by_label("I have no conflict of interest with this city").check()
        page.get_by_role("button", name="Declare").click()
        for select in page.locator("select[name^=verdict-]").all():
            select.select_option("validated")
        if disagree:
            page.select_option("#v-DM1", "not_validated")
        page.get_by_role("button", name="Save my verdicts").click()
        assert "30 verdicts saved" in page.inner_text("main")
        assert axe_violations(page) == []

    staff.goto(f"/program/reviews/{assessment.pk}/decide/")
    assert axe_violations(staff) == []
    assert "reviewers disagree" in staff.inner_text("main").lower()  # a tag, shown in capitals
    staff.select_option("select[name=verdict]", "validated")
    staff.get_by_role("button", name="Settle").click()
    assert "DM1 is settled" in staff.inner_text("main")

    # A clarification round: asked, seen by the city, answered.
    # A design-system checkbox: its label is what a person clicks.
    box = staff.locator("input[id^=cl-codes][value=DM3]").get_attribute("id")
    staff.click(f"label[for={box}]")
    staff.fill("#cl-message", "Which departments share data with partners?")
    staff.fill("#cl-due", (timezone.localdate() + dt.timedelta(days=7)).isoformat())
    staff.get_by_role("button", name="Ask the city").click()
    assert "The clarification is sent to the city." in staff.inner_text("main")
    city = page_for(lead)
    city.goto(f"/my/cities/{c.slug}/assessment/")
    assert "asks for clarification" in city.inner_text("main")
    assert axe_violations(city) == []
    city.fill("textarea[name=reply]", "Five departments share data; see DM3.")
    city.get_by_role("button", name="Send our answer").click()
    assert "Your answer is sent" in city.inner_text("main")

    staff.goto(f"/program/reviews/{assessment.pk}/decide/")
    assert "Five departments share data" in staff.inner_text("main")
    staff.get_by_label("Gold").check()
    staff.get_by_label("Rationale").fill("Thirty criteria validated, outcome gate met.")
    label = next_cohort_label()  # offered first, and chosen already
    assert staff.get_by_label("Cohort", exact=True).input_value() == label
    staff.get_by_role("button", name="Record the decision").click()
    assert "decision on Valdivia is recorded" in staff.inner_text("main")

    staff.goto("/program/cohorts/")
    assert axe_violations(staff) == []
    staff.get_by_role("button", name=f"Publish {label}").click()
    expect(staff.locator("h1")).to_contain_text(f"Publish cohort {label} with")
    staff.get_by_role("button", name=f"Publish {label}").click()  # confirmed
    assert f"Cohort {label} is published" in staff.inner_text("main")

    public = Client().get(f"/cohorts/{label}.json").json()
    assert [(i["city"], i["level"]) for i in public["new"]] == [("Valdivia", "gold")]
    staff.goto(f"/cohorts/{label}/")
    assert axe_violations(staff) == []
    assert "Valdivia" in staff.inner_text("main")
