"""A city's journey in a real browser: data snapshot, sign up, ask to lead the city (a program
admin confirms), start the assessment, tick checklist items (autosaved), upload a PDF, submit.
axe-core checks every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from citycert.assessments import services
from citycert.assessments.models import Assessment, Evidence
from citycert.cities.models import City
from tests import factories as f
from tests.browser.conftest import axe_violations
from tests.browser.test_people_pages import sign_in

PASSWORD = "correct-horse-battery-staple-9"


def checked(page) -> None:  # type: ignore[no-untyped-def]
    """axe-core needs JavaScript; without it, the same pages were checked in the other run."""
    if page.context._impl_obj._options.get("javaScriptEnabled", True):
        assert axe_violations(page) == [], page.url


def finish_all_but(assessment: Assessment, by, keep: str) -> None:  # type: ignore[no-untyped-def]
    """Mark every other criterion not met, and address the outcome gate, as a team would."""
    for answer in assessment.answers.exclude(criterion__code=keep):
        services.save_answer(
            answer,
            version=answer.version,
            status="not_met",
            items=[],
            narrative="",
            links=[],
            by=by,
        )
    services.save_outcome(
        assessment,
        version=assessment.outcome_version,
        option=assessment.standard.outcome_options.get(code="broadband"),
        narrative="Household broadband figures from the 2022 census.",
        links=[],
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_snapshot_to_submitted_assessment(
    browser, live_server, transactional_db, tmp_path, javascript: bool
) -> None:  # type: ignore[no-untyped-def]
    from citycert.standards.services import load_files

    load_files()
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, bypass_csp=True
    )
    page = context.new_page()

    # The data snapshot, before any account.
    page.goto("/snapshot/")
    checked(page)
    page.fill("#id_city_name", "Portland")
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("input[type=radio]").nth(1).check()
    page.get_by_role("button", name="See my result").click()
    assert page.locator("h1").inner_text().startswith("Data snapshot")
    expect(page.locator("ol.steps li")).to_have_count(3)
    checked(page)

    # Sign up, confirm the address from the email.
    email = f"lead-{'js' if javascript else 'nojs'}@portland.example.org"
    page.get_by_role("link", name="Create an account").first.click()
    checked(page)
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body)
    assert link
    page.goto(link.group(1))
    checked(page)
    page.get_by_role("button", name="Confirm").click()

    # Ask to lead the city, saying who one is; a program admin confirms.
    page.goto("/my/cities/register/?q=Portland")
    checked(page)
    page.get_by_role("button", name=re.compile("Ask to take part Portland, Oregon")).click()
    checked(page)
    page.get_by_label("Your role in the city's government").fill("Chief data officer")
    page.get_by_role("button", name="Send my request").click()
    assert page.url.endswith("/my/")
    expect(page.locator("main")).to_contain_text("waiting for an answer")
    checked(page)
    city = City.objects.get(name="Portland", admin_code="OR")

    admin_context = browser.new_context(
        base_url=live_server.url, java_script_enabled=javascript, bypass_csp=True
    )
    admin_page = admin_context.new_page()
    sign_in(admin_page, live_server, f.person(admin=True, mfa=True))
    admin_page.goto("/program/claims/")
    expect(admin_page.locator("main")).to_contain_text("Chief data officer")
    checked(admin_page)
    admin_page.get_by_role("button", name=re.compile("^Accept")).click()
    expect(admin_page.locator("main")).to_contain_text("is on the Portland team now")
    admin_context.close()
    page.goto(f"/my/cities/{city.slug}/")
    expect(page.locator("h1")).to_contain_text("Portland")

    # Start the assessment.
    page.goto(f"/my/cities/{city.slug}/assessment/")
    checked(page)
    page.get_by_role("button", name="Start the assessment").click()
    checked(page)

    # Tick checklist items; with JavaScript they save as they change.
    page.goto(f"/my/cities/{city.slug}/assessment/criteria/DM1/")
    checked(page)
    page.check("input[name=items][value=a]")
    page.check("input[name=items][value=b]")
    if javascript:
        # Wait for the save that carries the last item: the page's load state cannot tell,
        # having reached "networkidle" before any of the saves began.
        with page.expect_response(
            lambda r: r.request.method == "POST" and "items=c" in (r.request.post_data or "")
        ):
            page.check("input[name=items][value=c]")
        expect(page.locator("#save-state")).to_contain_text("Saved at")
        page.reload()
    else:
        page.check("input[name=items][value=c]")
        page.get_by_role("button", name="Save", exact=True).click()
        assert "DM1 is saved." in page.inner_text("main")
    assert page.is_checked("input[name=items][value=c]")

    # Upload a PDF for it.
    pdf = tmp_path / "Data strategy 2025.pdf"
    pdf.write_bytes(f.TINY_PDF)
    page.set_input_files("input[type=file]", str(pdf))
    page.get_by_role("button", name="Upload", exact=True).click()
    assert "Data strategy 2025.pdf is uploaded" in page.inner_text("main")
    checked(page)
    assert Evidence.objects.get().name == "Data strategy 2025.pdf"

    # The rest of the team's work, then submit.
    assessment = Assessment.objects.get(city=city)
    lead = city.memberships.get().user
    dm1 = assessment.answers.get(criterion__code="DM1")
    services.save_answer(
        dm1,
        version=dm1.version,
        status="claimed",
        items=dm1.items,
        narrative="Adopted in 2025.",
        links=["https://portland.example.org/data-strategy"],
        by=lead,
    )
    finish_all_but(assessment, lead, keep="DM1")
    page.goto(f"/my/cities/{city.slug}/assessment/submit/")
    checked(page)
    page.get_by_role("button", name="Submit the assessment").click()
    assert "The assessment is submitted" in page.inner_text("main")
    checked(page)
    assessment.refresh_from_db()
    assert assessment.state == "submitted"
    context.close()
