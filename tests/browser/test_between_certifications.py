"""Between certifications, in a real browser and on a phone: a city lead goes from the report's
roadmap to a learning resource for the city's next criterion, then to the events, registers for
the partner's sprint and downloads its calendar file. No axe-core violation on the way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
from playwright.sync_api import expect

from citycert.events.models import Event, Registration
from citycert.learning.models import Kind
from citycert.standards.services import load_files
from tests.browser.conftest import axe_violations
from tests.browser.test_people_pages import sign_in
from tests.events import make as events
from tests.learning.test_learning import make as resource
from tests.reports.conftest import assessed_city


def test_a_city_goes_from_its_roadmap_to_help_and_into_a_sprint(  # type: ignore[no-untyped-def]
    browser, live_server, transactional_db, tmp_path: Path
) -> None:
    load_files()
    c, lead, assessment = assessed_city("Rosario", claimed=20, submit=False)
    academy = events.organisation("Civic Data Academy")
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    sign_in(page, live_server, lead)
    report = f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/"
    page.goto(report)
    next_code = page.locator("ol.roadmap ul.criteria-list > li .code").first.inner_text()
    resource(
        "Budget data how-to sprint",
        codes=(next_code,),
        kind=Kind.SPRINT,
        organisation=academy,
    )
    sprint = events.event(
        title="Budget data sprint, March",
        kind=Event.Kind.SPRINT,
        starts_at=dt.datetime(2031, 3, 4, 15, 0, tzinfo=dt.UTC),
        time_zone="America/Argentina/Cordoba",
        capacity=12,
        organiser=academy,
    )

    page.goto(report)
    page.locator("ol.roadmap").get_by_role("link", name="Budget data how-to sprint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget data how-to sprint")
    expect(page.locator("main")).to_contain_text(next_code)
    assert axe_violations(page) == []

    page.locator(".site-menu > summary").click()  # the phone's menu
    page.locator(".site-menu").get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Budget data sprint, March").click()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.").first).to_be_visible()
    assert Registration.objects.get(event=sprint, user=lead).state == "registered"
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics file)").click()
    saved = tmp_path / "sprint.ics"
    download_info.value.save_as(saved)
    (item,) = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert str(item["SUMMARY"]) == "Budget data sprint, March"
    assert item.decoded("DTSTART") == dt.datetime(2031, 3, 4, 15, 0, tzinfo=dt.UTC)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
