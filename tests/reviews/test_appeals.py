"""Appeals: within its window a city's lead appeals on stated grounds, with files; a panel of
reviewers who did not review the assessment declares, recommends, and an admin records the
outcome, which reaches the public only through the announcement rules. A decision that lowers
a city's level is not public while its appeal is open."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from citycert.accounts.models import Notification
from citycert.assessments.models import Assessment
from citycert.reviews import appeals
from citycert.reviews.history import publish_cohort
from citycert.reviews.models import Appeal, AppealFile, Certification, Cohort
from citycert.reviews.services import ReviewError
from tests import factories as f
from tests.reviews.cycles import assessed, cycle, reviewed

pytestmark = pytest.mark.usefixtures("published_cleanup", "standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def signed_in(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def downgraded():  # type: ignore[no-untyped-def]
    """A city certified Gold, whose re-assessment the team decided at Silver (not announced)."""
    c = f.city("Appealton", "BR")
    lead = f.lead(c).user
    reviewer = f.person(reviewer=True, mfa=True)
    admin = f.person(admin=True, mfa=True)
    cycle(c, lead, reviewer, admin, level="gold", cohort="2025-06")
    decision = reviewed(
        assessed(c, lead, "gold"), reviewer, admin, level="silver", cohort="2026-06", validated=24
    )
    return c, lead, reviewer, admin, decision


def test_the_lead_appeals_within_the_window_on_grounds_with_files(downgraded) -> None:  # type: ignore[no-untyped-def]
    c, lead, _reviewer, admin, decision = downgraded
    client = signed_in(lead)
    page = client.get(f"/my/cities/{c.slug}/appeal/")
    assert page.status_code == 200 and "can be appealed until" in page.text
    overview = client.get(f"/my/cities/{c.slug}/assessment/").text
    assert "Appeal this decision" in overview

    # Junk is refused, naming the field, and nothing is stored.
    bad = client.post(
        f"/my/cities/{c.slug}/appeal/",
        {"grounds": ["bribery"], "statement": "\x00", "files": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert bad.status_code == 400 and not Appeal.objects.exists()
    wrong_file = client.post(
        f"/my/cities/{c.slug}/appeal/",
        {
            "grounds": ["factual"],
            "statement": "EVAL1 was met.",
            "files": SimpleUploadedFile("minutes.pdf", b"not a pdf at all"),
        },
    )
    assert wrong_file.status_code == 400 and not Appeal.objects.exists()
    assert not AppealFile.objects.exists()

    lodged = client.post(
        f"/my/cities/{c.slug}/appeal/",
        {
            "grounds": ["factual", "new_evidence"],
            "statement": "EVAL1 was met: the council adopted the policy in May.",
            "files": SimpleUploadedFile("minutes.pdf", f.TINY_PDF, content_type="application/pdf"),
        },
    )
    appeal = Appeal.objects.get()
    assert lodged.status_code == 302 and lodged["Location"].endswith(f"/appeals/{appeal.pk}/")
    assert appeal.grounds == ["factual", "new_evidence"] and appeal.lodged_by == lead
    assert Assessment.objects.get(pk=decision.assessment_id).state == "appealed"
    file = appeal.files.get()
    download = client.get(f"/my/cities/{c.slug}/appeals/{appeal.pk}/files/{file.pk}/")
    assert download["Content-Disposition"].startswith("attachment")
    # A second appeal of the same decision is refused.
    with pytest.raises(ReviewError):
        appeals.lodge(decision.assessment, grounds=["factual"], statement="Again.", by=lead)
    kinds = set(Notification.objects.values_list("kind", "recipient_id"))
    assert ("appeal_received", lead.pk) in kinds and ("appeal_received", admin.pk) in kinds
    assert LogEntry.objects.get_for_object(appeal).exists()


def test_an_appeal_after_the_window_is_refused(downgraded) -> None:  # type: ignore[no-untyped-def]
    c, lead, _reviewer, _admin, decision = downgraded
    later = decision.appeal_until + dt.timedelta(days=1)
    with time_machine.travel(dt.datetime.combine(later, dt.time(12), tzinfo=dt.UTC)):
        with pytest.raises(ReviewError, match="appeal window closed"):
            appeals.lodge(decision.assessment, grounds=["factual"], statement="Late.", by=lead)
        page = signed_in(lead).get(f"/my/cities/{c.slug}/appeal/").text
        assert "There is no decision you can appeal now" in page


def test_the_panel_excludes_the_reviewers_and_declares_first(downgraded) -> None:  # type: ignore[no-untyped-def]
    c, lead, reviewer, admin, decision = downgraded
    appeal = appeals.lodge(decision.assessment, grounds=["procedural"], statement="X.", by=lead)
    with pytest.raises(ReviewError, match="cannot sit on its appeal panel"):
        appeals.add_panelist(appeal, reviewer, admin)
    pia = f.person(reviewer=True, mfa=True)
    seat = appeals.add_panelist(appeal, pia, admin)
    panel = signed_in(pia)
    assert panel.get(f"/my/cities/{c.slug}/appeals/{appeal.pk}/").status_code == 302
    with pytest.raises(ReviewError, match="Declare any conflict"):
        appeals.recommend(seat, outcome="upheld", level="", comment="Stands.")
    declared = panel.post(
        f"/my/cities/{c.slug}/appeals/{appeal.pk}/declare/", {"conflict": "no", "note": ""}
    )
    assert declared.status_code == 302
    page = panel.get(f"/my/cities/{c.slug}/appeals/{appeal.pk}/")
    assert page.status_code == 200 and "Your recommendation" in page.text
    # The panelist reads the assessment's report, not the city's other things.
    assert (
        panel.get(f"/my/cities/{c.slug}/reports/assessments/{decision.assessment_id}/").status_code
        == 200
    )
    assert panel.get(f"/my/cities/{c.slug}/").status_code == 403
    # A conflict declared by another panelist frees the seat and keeps them from the city.
    leo = f.person(reviewer=True, mfa=True)
    other = appeals.add_panelist(appeal, leo, admin)
    appeals.declare(other, conflict=True, note="I work for the state.")
    assert signed_in(leo).get(f"/my/cities/{c.slug}/appeals/{appeal.pk}/").status_code == 404
    with pytest.raises(ReviewError, match="declared a conflict"):
        appeals.add_panelist(appeal, leo, admin)


def test_a_downgrade_is_not_public_until_its_appeal_is_decided(downgraded) -> None:  # type: ignore[no-untyped-def]
    c, lead, _reviewer, admin, decision = downgraded
    appeal = appeals.lodge(decision.assessment, grounds=["factual"], statement="X.", by=lead)
    publish_cohort(Cohort.objects.get(label="2026-06"))
    held = Certification.objects.get(pk=decision.certification_id)
    assert held.published_at is None and held.event == "level_down"
    public = Client()
    assert public.get(f"/badge/{c.slug}.json").json()["level"] == "gold"
    assert public.get("/cohorts/2026-06.json").json()["level_down"] == []
    assert c.slug not in public.get("/cohorts/2026-06/").text
    held_page = signed_in(admin).get("/program/cohorts/").text
    assert "Held back while an appeal is open" in held_page and c.name in held_page

    pia = f.person(reviewer=True, mfa=True)
    seat = appeals.add_panelist(appeal, pia, admin)
    with pytest.raises(ReviewError, match="at least one panelist"):
        appeals.decide(appeal, outcome="upheld", level="", rationale="Stands.", by=admin)
    appeals.declare(seat, conflict=False, note="")
    appeals.recommend(seat, outcome="upheld", level="", comment="The evidence is thin.")
    outcome = signed_in(admin).post(
        f"/program/appeals/{appeal.pk}/",
        {"outcome": "upheld", "rationale": "The validated criteria reach Silver only."},
    )
    assert outcome.status_code == 302
    held.refresh_from_db()
    assert held.published_at is not None and held.event == "level_down"
    badge = Client().get(f"/badge/{c.slug}.json").json()
    assert badge["level"] == "silver"
    assert [i["slug"] for i in Client().get("/cohorts/2026-06.json").json()["level_down"]] == [
        c.slug
    ]
    appeal.refresh_from_db()
    assert appeal.outcome == "upheld" and appeal.decided_by == admin
    assert Assessment.objects.get(pk=appeal.assessment_id).state == "decided"
    assert Notification.objects.filter(kind="appeal_decided", recipient=lead).exists()


def test_an_appeal_that_restores_the_level_publishes_it_in_place_of_the_downgrade(
    downgraded,
) -> None:  # type: ignore[no-untyped-def]
    c, lead, _reviewer, admin, decision = downgraded
    appeal = appeals.lodge(decision.assessment, grounds=["factual"], statement="X.", by=lead)
    publish_cohort(Cohort.objects.get(label="2026-06"))
    seat = appeals.add_panelist(appeal, f.person(reviewer=True, mfa=True), admin)
    appeals.declare(seat, conflict=False, note="")
    appeals.recommend(seat, outcome="overturned", level="gold", comment="EVAL1 was met.")
    with pytest.raises(ReviewError, match="changes the level"):
        appeals.decide(appeal, outcome="modified", level="silver", rationale="?", by=admin)
    appeals.decide(appeal, outcome="overturned", level="gold", rationale="EVAL1 was met.", by=admin)
    cert = Certification.objects.get(pk=decision.certification_id)
    assert (cert.level, cert.event, cert.published_at is not None) == ("gold", "recertified", True)
    announced = Client().get("/cohorts/2026-06.json").json()
    assert [i["slug"] for i in announced["recertified"]] == [c.slug]
    assert announced["level_down"] == []


def test_an_appeal_against_a_published_level_is_corrected_by_a_superseding_record() -> None:
    c = f.city("Upton", "US")
    lead = f.lead(c).user
    admin = f.person(admin=True, mfa=True)
    decision = cycle(
        c, lead, f.person(reviewer=True, mfa=True), admin, level="silver", cohort="2026-06"
    )
    original = Certification.objects.get(pk=decision.certification_id)
    assert original.published_at is not None
    appeal = appeals.lodge(decision.assessment, grounds=["new_evidence"], statement="X.", by=lead)
    seat = appeals.add_panelist(appeal, f.person(reviewer=True, mfa=True), admin)
    appeals.declare(seat, conflict=False, note="")
    appeals.recommend(seat, outcome="modified", level="gold", comment="Two more criteria hold.")
    appeals.decide(appeal, outcome="modified", level="gold", rationale="Two more.", by=admin)
    corrected = Certification.objects.get(supersedes=original)
    assert (corrected.level, corrected.correction_reason) == ("gold", "Two more.")
    assert Client().get(f"/badge/{c.slug}.json").json()["level"] == "gold"
    appeal.refresh_from_db()
    assert appeal.certification == corrected


def test_a_not_certified_decision_overturned_is_announced_with_its_cohort() -> None:
    c = f.city("Newville", "US")
    lead = f.lead(c).user
    admin = f.person(admin=True, mfa=True)
    decision = reviewed(
        assessed(c, lead, "silver"),
        f.person(reviewer=True, mfa=True),
        admin,
        level="",
        cohort="2026-06",
    )
    assert decision.certification is None  # never certified: nothing to announce
    publish_cohort(Cohort.objects.get(label="2026-06"))
    appeal = appeals.lodge(decision.assessment, grounds=["factual"], statement="X.", by=lead)
    seat = appeals.add_panelist(appeal, f.person(reviewer=True, mfa=True), admin)
    appeals.declare(seat, conflict=False, note="")
    appeals.recommend(seat, outcome="overturned", level="silver", comment="It was met.")
    appeals.decide(appeal, outcome="overturned", level="silver", rationale="Met.", by=admin)
    cert = Certification.objects.get(city=c)
    assert (cert.level, cert.event, cert.cohort.label) == ("silver", "new", "2026-06")
    assert cert.published_at is not None
    assert Client().get(f"/cities/{c.slug}/").status_code == 200


def test_files_can_be_added_while_the_appeal_is_open(downgraded) -> None:  # type: ignore[no-untyped-def]
    _c, lead, _reviewer, admin, decision = downgraded
    appeal = appeals.lodge(decision.assessment, grounds=["factual"], statement="X.", by=lead)
    appeals.add_file(appeal, io.BytesIO(f.TINY_PDF), "more.pdf", lead)
    assert appeal.files.count() == 1
    seat = appeals.add_panelist(appeal, f.person(reviewer=True, mfa=True), admin)
    appeals.declare(seat, conflict=False, note="")
    appeals.recommend(seat, outcome="upheld", level="", comment="Stands.")
    appeals.decide(appeal, outcome="upheld", level="", rationale="Stands.", by=admin)
    with pytest.raises(ReviewError, match="decided"):
        appeals.add_file(appeal, io.BytesIO(f.TINY_PDF), "late.pdf", lead)
