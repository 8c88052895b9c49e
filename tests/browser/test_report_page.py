"""The report page in a real browser: no axe-core violation in English or Spanish, and the PDF's
progress updates by itself (htmx) until the download is offered."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from citycert.assessments import services
from tests import factories as f
from tests.browser.conftest import axe_violations, choose_language
from tests.browser.test_people_pages import sign_in
from tests.reports.conftest import assessed_city, decide


def run_worker() -> None:
    """Run the queued tasks once. On SQLite the test database is in memory, shared with the
    live server's thread: while that thread reads for the page's poll, the worker's exclusive
    transaction is refused at once (shared-cache locks do not wait), so it is tried again."""
    import time

    from django.db import OperationalError

    for attempt in range(20):
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
            return
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 19:
                raise
            time.sleep(0.25)


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_report_page_has_no_violation(page, live_server, language: str) -> None:  # type: ignore[no-untyped-def]
    c, lead, earlier = assessed_city("Rosario", claimed=26, admin_area="Santa Fe")
    decide(earlier, validated=24, cohort="2023-06")
    current = services.start(c, lead, carry_forward=False)
    f.answer_all(current, lead, claimed=28)
    for i, claimed in enumerate((12, 16, 20, 24, 30)):
        assessed_city(f"Peer {i}", claimed=claimed)
    sign_in(page, live_server, lead)
    if language != "en":
        page.goto("/")
        choose_language(page, language)
    for url, charts in [
        (f"/my/cities/{c.slug}/reports/", 0),
        (f"/my/cities/{c.slug}/reports/assessments/{current.pk}/", 1),
        (f"/my/cities/{c.slug}/reports/assessments/{earlier.pk}/", 1),
    ]:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("svg[role=img] > title").count() == charts
        assert axe_violations(page) == [], url


def test_the_pdf_progress_updates_by_itself(page, live_server) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = assessed_city("Rosario", claimed=20, submit=False)
    sign_in(page, live_server, lead)
    page.goto(f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/")
    page.click(".pdf-box button")
    assert page.locator(".pdf-status").inner_text().startswith("The PDF is waiting")
    assert axe_violations(page) == []
    run_worker()
    link = page.locator(".pdf-box a[download]")
    link.wait_for(timeout=15_000)  # htmx polls every 2 s; no reload
    assert "Download the PDF" in link.inner_text()
    # The fragment htmx swapped in also offers a new PDF, still with no reload.
    expect(page.get_by_role("button", name="Make a new PDF")).to_be_visible()
    assert axe_violations(page) == []


def test_a_pdf_stopped_by_a_killed_worker_is_offered_again(page, live_server) -> None:  # type: ignore[no-untyped-def]
    """The state a killed worker leaves behind: the task and the PDF both "running" long ago."""
    import datetime as dt

    from django.tasks import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from citycert import work
    from citycert.reports.models import ReportFile

    c, lead, assessment = assessed_city("Rosario", claimed=26, admin_area="Santa Fe")
    sign_in(page, live_server, lead)
    url = f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/"
    page.goto(url)
    page.get_by_role("button", name="Make a PDF of this report").click()
    report_file = ReportFile.objects.get()
    long_ago = timezone.now() - work.stale_after() - dt.timedelta(minutes=1)
    DBTaskResult.objects.filter(id=report_file.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago
    )
    ReportFile.objects.filter(pk=report_file.pk).update(status="running", started_at=long_ago)

    page.goto(url)
    expect(page.locator(".pdf-status")).to_contain_text("stopped before it was done")
    assert axe_violations(page) == []
    assert DBTaskResult.objects.get(id=report_file.task_id).status == TaskResultStatus.FAILED
    page.get_by_role("button", name="Try again").click()
    expect(page.locator(".pdf-status")).to_contain_text("waiting to be made")
    run_worker()
    expect(page.locator(".pdf-status")).to_contain_text("is ready", timeout=15_000)
