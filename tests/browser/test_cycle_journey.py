"""The certification cycle in a real browser: a certified city re-certifies with its earlier
reviewer and is congratulated with its badge code; then a city whose level goes down appeals,
the panel recommends, the admin records the outcome, and the public sees the restored level.
axe-core on every page on the way, in English and Spanish."""

from __future__ import annotations

from django.test import Client
from playwright.sync_api import expect

from citycert.reviews.models import Appeal, Cohort
from citycert.reviews.services import next_cohort_label
from tests import factories as f
from tests.browser.conftest import axe_violations, choose_language
from tests.browser.test_people_pages import sign_in
from tests.reviews.cycles import CLAIMS, cycle


def test_re_certification_then_an_appeal(browser, live_server, page) -> None:  # type: ignore[no-untyped-def]
    admin = f.person(admin=True, mfa=True, name="Ana Admin")
    renata = f.person(reviewer=True, mfa=True, name="Renata Reviewer")
    c = f.city("Curitiba", "BR", admin_area="Paraná")
    lead = f.lead(c, f.person(name="Paulo Prefeito")).user
    cycle(c, lead, renata, admin, level="silver", cohort="2025-06")

    def page_for(user):  # type: ignore[no-untyped-def]
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        other = context.new_page()
        sign_in(other, live_server, user)
        return other

    # The lead starts the re-certification from the last assessment and submits it.
    sign_in(page, live_server, lead)
    page.goto(f"/my/cities/{c.slug}/assessment/")
    assert "is certified" in page.inner_text("main")
    assert axe_violations(page) == []
    page.get_by_label("Yes: bring its answers and evidence, each marked to confirm").check()
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.locator("main")).to_contain_text("is open")
    assessment = c.assessments.get(state="draft")
    f.answer_all(assessment, lead, CLAIMS["gold"])  # confirming each answer, as the pages do
    page.goto(f"/my/cities/{c.slug}/assessment/submit/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("main")).to_contain_text("The assessment is submitted")

    # The admin gives it to the same reviewer, who declares and validates.
    staff = page_for(admin)
    staff.goto("/program/reviews/")
    staff.select_option(f"#r-{assessment.pk}", label="Renata Reviewer")
    staff.get_by_role("button", name="Assign Curitiba").click()
    expect(staff.locator("main")).to_contain_text("Renata Reviewer now reviews Curitiba")
    reviewer = page_for(renata)
    reviewer.goto(f"/my/reviews/{c.slug}/declare/")
    assert axe_violations(reviewer) == []
    reviewer.get_by_label("I have no conflict of interest with this city").check()
    reviewer.get_by_role("button", name="Declare").click()
    expect(reviewer.locator("h1")).to_contain_text("Review of Curitiba")
    for select in reviewer.locator("select[name^=verdict-]").all():
        select.select_option("validated")
    reviewer.get_by_role("button", name="Save my verdicts").click()
    expect(reviewer.locator("main")).to_contain_text(f"{CLAIMS['gold']} verdicts saved")
    assert axe_violations(reviewer) == []

    staff.goto(f"/program/reviews/{assessment.pk}/decide/")
    assert axe_violations(staff) == []
    staff.get_by_label("Gold").check()
    staff.get_by_label("Rationale").fill("Every claim validated.")
    label = next_cohort_label()  # offered first, and chosen already
    assert staff.get_by_label("Cohort", exact=True).input_value() == label
    staff.get_by_role("button", name="Record the decision").click()
    expect(staff.locator("main")).to_contain_text("the city may appeal until")
    staff.goto("/program/cohorts/")
    staff.get_by_role("button", name=f"Publish {label}").click()
    expect(staff.locator("h1")).to_contain_text(f"Publish cohort {label} with")
    staff.get_by_role("button", name=f"Publish {label}").click()  # confirmed
    expect(staff.locator("main")).to_contain_text(f"Cohort {label} is published")

    # The city is congratulated and given its badge code; the public sees a move up.
    page.goto(f"/my/cities/{c.slug}/assessment/")
    main = page.inner_text("main")
    assert "Congratulations" in main and f"/badge/{c.slug}.svg" in page.input_value("#badge-code")
    assert axe_violations(page) == []
    page.goto(f"/cities/{c.slug}/")
    assert "Moved up a level" in page.inner_text("main")
    assert axe_violations(page) == []

    # An appeal: a city moved down appeals before the announcement.
    v = f.city("Valparaíso", "CL", admin_area="Valparaíso")
    v_lead = f.lead(v, f.person(name="Vale Líder")).user
    cycle(v, v_lead, renata, admin, level="gold", cohort="2025-12")
    from tests.reviews.cycles import assessed, reviewed

    downgrade = reviewed(
        assessed(v, v_lead, "gold"), renata, admin, level="silver", cohort="2027-06", validated=24
    )
    city = page_for(v_lead)
    city.goto(f"/my/cities/{v.slug}/assessment/")
    city.get_by_role("link", name="Appeal this decision").click()
    assert axe_violations(city) == []
    city.get_by_label("What the appeal is about").fill("EVAL1: the policy was adopted in May.")
    city.get_by_role("button", name="Send the appeal").click()  # no grounds chosen
    expect(city.locator(".error-summary")).to_contain_text("Choose the grounds of the appeal.")
    assert axe_violations(city) == []
    city.get_by_label("A factual error").check()
    city.get_by_role("button", name="Send the appeal").click()
    expect(city.locator("main")).to_contain_text("Your appeal is received")
    assert axe_violations(city) == []

    staff.goto("/program/cohorts/")
    staff.get_by_role("button", name="Publish 2027-06").click()
    expect(staff.locator("h1")).to_contain_text("Publish cohort 2027-06 with")
    staff.get_by_role("button", name="Publish 2027-06").click()  # confirmed
    expect(staff.locator("main")).to_contain_text("held back")
    assert Client().get(f"/badge/{v.slug}.json").json()["level"] == "gold"

    pablo = f.person(reviewer=True, mfa=True, name="Pablo Panelist")
    staff.goto("/program/appeals/")
    assert axe_violations(staff) == []
    staff.get_by_role("link", name="Valparaíso").click()
    staff.select_option("#panel-reviewer", label="Pablo Panelist")
    staff.get_by_role("button", name="Seat").click()
    expect(staff.locator("main")).to_contain_text("Pablo Panelist is on the panel")
    assert axe_violations(staff) == []

    panel = page_for(pablo)
    panel.goto("/my/")
    choose_language(panel, "es")
    appeal_id = Appeal.objects.get(decision=downgrade).pk
    panel.goto(f"/my/cities/{v.slug}/appeals/{appeal_id}/")  # sent to declare first
    assert axe_violations(panel) == []
    panel.locator("input[name=conflict][value=no]").check()
    panel.locator("form button[type=submit]").last.click()
    panel.locator("input[name=outcome][value=overturned]").check()
    panel.select_option("select[name=level]", "gold")
    panel.locator("textarea[name=comment]").fill("EVAL1 se cumplía.")
    assert axe_violations(panel) == []
    panel.locator("form[action$='/recommend/'] button").click()
    assert axe_violations(panel) == []

    staff.reload()
    staff.get_by_label("Overturned: the decision is reversed").check()
    staff.select_option("select[name=level]", "gold")
    staff.get_by_label("Rationale").fill("EVAL1 was met when the city submitted.")
    staff.get_by_role("button", name="Record the outcome").click()
    expect(staff.locator("main")).to_contain_text("The appeal's outcome is recorded")
    assert Client().get(f"/badge/{v.slug}.json").json()["level"] == "gold"
    assert Cohort.objects.get(label="2027-06").certifications.get().event == "recertified"
    city.goto(f"/my/cities/{v.slug}/appeals/{appeal_id}/")
    assert "EVAL1 was met" in city.inner_text("main")
    assert axe_violations(city) == []
