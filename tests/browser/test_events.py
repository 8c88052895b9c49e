"""A city lead finds a sprint, registers for it and downloads its calendar file, in a real
browser; the event page has no accessibility violation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
from playwright.sync_api import expect

from citycert.events.models import Event, Registration
from tests import factories as f
from tests.browser.conftest import axe_violations
from tests.browser.test_people_pages import sign_in
from tests.events import make


def test_a_city_lead_registers_for_a_sprint_and_downloads_its_calendar_file(  # type: ignore[no-untyped-def]
    page, live_server, tmp_path: Path
) -> None:
    lead = f.lead(f.city("Medellín", "CO", admin_area="Antioquia"), f.person(name="Lucía")).user
    academy = make.organisation("Open Data Academy")
    sprint = make.event(
        title="Open budget data sprint",
        kind=Event.Kind.SPRINT,
        starts_at=dt.datetime(2031, 3, 4, 15, 0, tzinfo=dt.UTC),
        time_zone="America/Bogota",
        duration_minutes=120,
        capacity=10,
        organiser=academy,
    )
    make.event(title="Another webinar", kind=Event.Kind.WEBINAR)
    sign_in(page, live_server, lead)

    page.goto("/events/")
    page.get_by_role("link", name="Open budget data sprint").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open budget data sprint")
    expect(page.get_by_text("(America/Bogota, UTC\u221205:00)")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered.").first).to_be_visible()
    assert Registration.objects.get(event=sprint, user=lead).state == "registered"
    assert axe_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to my calendar (.ics file)").click()
    download = download_info.value
    assert download.suggested_filename == f"event-{sprint.pk}.ics"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    calendar = icalendar.Calendar.from_ical(saved.read_bytes())
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Open budget data sprint"
    assert str(item["UID"]) == sprint.uid
    assert item["DTSTART"].params["TZID"] == "America/Bogota"
    assert item.decoded("DTSTART") == dt.datetime(2031, 3, 4, 15, 0, tzinfo=dt.UTC)
    assert item.decoded("DTEND") - item.decoded("DTSTART") == dt.timedelta(hours=2)
    assert str(item["STATUS"]) == "CONFIRMED"


def test_the_reader_sees_the_time_in_their_own_zone_too(
    browser, live_server, transactional_db
) -> None:  # type: ignore[no-untyped-def]
    sprint = make.event(
        title="Evaluation sprint",
        starts_at=dt.datetime(2031, 3, 4, 15, 0, tzinfo=dt.UTC),
        time_zone="America/Bogota",
        duration_minutes=60,
    )
    for zone, shown in (("Europe/Lisbon", True), ("America/Bogota", False)):
        context = browser.new_context(base_url=live_server.url, timezone_id=zone, locale="en-GB")
        page = context.new_page()
        page.goto(f"/events/{sprint.pk}/")
        expect(page.get_by_text("(America/Bogota, UTC\u221205:00)")).to_be_visible()
        local = page.locator("dd .local-time")
        if shown:
            expect(local).to_be_visible()
            expect(local).to_contain_text("In your time zone:")
            expect(local).to_contain_text("3:00 \u2013 4:00 PM")  # Lisbon is on UTC in March
            expect(local).to_contain_text("Europe/Lisbon")
        else:
            expect(local).to_be_hidden()
        context.close()
