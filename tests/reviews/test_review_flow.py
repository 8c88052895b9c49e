"""The certification team's side through the pages: queue, two reviewers who declare conflicts
of interest first, validation, a settled disagreement, the decision, and the published cohort."""

from __future__ import annotations

import pytest
from django.test import Client

from citycert.assessments import services as assessment_services
from citycert.reviews import services
from citycert.reviews.models import Assignment, Certification, Decision
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def submitted(db: None):  # type: ignore[no-untyped-def]
    """A Chilean city's submitted assessment: 30 criteria claimed in full, broadband outcome."""
    return f.submitted_assessment()


def test_the_team_reviews_decides_and_announces(submitted) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = submitted
    admin = f.person(admin=True, mfa=True)
    first, second = (
        f.person(reviewer=True, mfa=True, name="Rita"),
        f.person(reviewer=True, mfa=True, name="Raúl"),
    )
    staff = signed_in(admin)

    queue = staff.get("/program/reviews/").text
    assert "Valdivia" in queue
    for reviewer in (first, second):
        staff.post(f"/program/reviews/{assessment.pk}/assign/", {"reviewer": reviewer.pk})
    assessment.refresh_from_db()
    assert assessment.state == "in_review" and assessment.assignments.count() == 2
    # Once the review has started the city can no longer withdraw.
    with pytest.raises(assessment_services.AssessmentError):
        assessment_services.withdraw(assessment, lead)

    # Each reviewer must declare before seeing anything of the assessment.
    rita = signed_in(first)
    assert rita.get(f"/my/cities/{c.slug}/assessment/").status_code == 403
    assert rita.get(f"/my/reviews/{c.slug}/").status_code == 403
    rita.post(f"/my/reviews/{c.slug}/declare/", {"conflict": "no"})
    assert rita.get(f"/my/cities/{c.slug}/assessment/").status_code == 200
    raul = signed_in(second)
    raul.post(f"/my/reviews/{c.slug}/declare/", {"conflict": "no"})

    codes = list(
        assessment.answers.filter(status="claimed").values_list("criterion__code", flat=True)
    )
    assert len(codes) == 30
    for client, overrides in ((rita, {}), (raul, {"DM1": "not_validated"})):
        data = {"code": codes}
        for code in codes:
            data[f"verdict-{code}"] = overrides.get(code, "validated")
        assert client.post(f"/my/reviews/{c.slug}/", data).status_code == 302
    review_page = rita.get(f"/my/reviews/{c.slug}/").text
    assert "Validated so far: 29 criteria." in review_page

    decide_url = f"/program/reviews/{assessment.pk}/decide/"
    page = staff.get(decide_url).text
    assert "Reviewers disagree" in page and "DM1" in page
    dm1 = assessment.answers.get(criterion__code="DM1")
    staff.post(decide_url, {"settle": dm1.pk, "verdict": "validated"})
    level, points = services.computed_level(assessment)
    assert (level, points) == ("gold", 30)

    # A decision that differs from the computed level needs a reason.
    label = services.next_cohort_label()
    refused = staff.post(
        decide_url, {"level": "platinum", "rationale": "Strong.", "cohort": label}, follow=True
    )
    assert "differs from the computed level" in refused.text
    assert not Decision.objects.exists()
    staff.post(
        decide_url,
        {"level": "gold", "rationale": "Validated work on 30 criteria.", "cohort": label},
    )
    decision = Decision.objects.get()
    assert (decision.level, decision.computed_level) == ("gold", "gold")
    assessment.refresh_from_db()
    assert assessment.state == "decided"

    # Not public until the cohort is published; then announced as newly certified.
    assert Client().get(f"/cohorts/{label}/").status_code == 404
    staff.post("/program/cohorts/", {"cohort": decision.certification.cohort.pk, "confirm": "1"})
    data = Client().get(f"/cohorts/{label}.json").json()
    assert data["new"] == [
        {
            "city": "Valdivia",
            "admin_area": "Oregon",
            "country": "CL",
            "level": "gold",
            "standard": "2022",
            "slug": c.slug,
        }
    ]
    published = Certification.objects.get()
    assert published.published_at is not None and published.awarded_on is not None
    assert published.valid_until is None  # the program has not published a validity period


def test_a_declared_conflict_ends_access_and_is_recorded(submitted) -> None:  # type: ignore[no-untyped-def]
    c, _lead, assessment = submitted
    admin = f.person(admin=True, mfa=True)
    reviewer = f.person(reviewer=True, mfa=True)
    services.assign_reviewer(assessment, reviewer, admin)
    client = signed_in(reviewer)
    refused = client.post(
        f"/my/reviews/{c.slug}/declare/", {"conflict": "yes", "note": ""}, follow=True
    )
    assert "Say briefly what the conflict of interest is." in refused.text
    client.post(
        f"/my/reviews/{c.slug}/declare/",
        {"conflict": "yes", "note": "My sister works for the city."},
    )
    assignment = Assignment.objects.get(reviewer=reviewer)
    assert assignment.conflict is True and assignment.declared_at is not None
    assert client.get(f"/my/cities/{c.slug}/").status_code == 404
    assert "conflict of interest" in signed_in(admin).get("/program/reviews/").text
    # The place is free for another reviewer.
    services.assign_reviewer(assessment, f.person(reviewer=True), admin)
    services.assign_reviewer(assessment, f.person(reviewer=True), admin)
    with pytest.raises(services.ReviewError, match="already has two reviewers"):
        services.assign_reviewer(assessment, f.person(reviewer=True), admin)


def test_not_certified_makes_no_certification(submitted) -> None:  # type: ignore[no-untyped-def]
    _c, _lead, assessment = submitted
    admin = f.person(admin=True, mfa=True)
    services.assign_reviewer(assessment, f.person(reviewer=True), admin)
    decision = services.decide(
        assessment,
        level="",
        rationale="Evidence did not hold.",
        difference_reason="",
        cohort_label="2026-06",
        by=admin,
    )
    assert decision.certification is None and decision.computed_level == ""
    assert not Certification.objects.exists()


def test_a_clarification_round_opens_only_its_criteria_then_closes(  # type: ignore[no-untyped-def]
    submitted, django_capture_on_commit_callbacks
) -> None:
    import datetime as dt

    from django.core import mail
    from django.core.management import call_command
    from django.utils import timezone

    c, lead, assessment = submitted
    admin = f.person(admin=True, mfa=True)
    services.assign_reviewer(assessment, f.person(reviewer=True, mfa=True), admin)
    staff = signed_in(admin)
    due = timezone.localdate() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            f"/program/reviews/{assessment.pk}/clarify/",
            {
                "codes": ["DM3", "PA2"],
                "message": "Which departments share data?",
                "due_on": due.isoformat(),
            },
        )
    f.deliver()
    request = mail.outbox[-1]
    assert (
        request.to == [lead.email]
        and "DM3, PA2" in request.body
        and "Which departments" in request.body
    )

    city = signed_in(lead)
    assert "asks for clarification by" in city.get(f"/my/cities/{c.slug}/assessment/").text
    dm3 = assessment.answers.get(criterion__code="DM3")
    ok = city.post(
        f"/my/cities/{c.slug}/assessment/criteria/DM3/",
        {
            "version": dm3.version,
            "status": "claimed",
            "items": ["a", "b", "c"],
            "narrative": "Five departments.",
        },
    )
    assert ok.status_code == 302
    dm4 = assessment.answers.get(criterion__code="DM4")
    locked = city.post(
        f"/my/cities/{c.slug}/assessment/criteria/DM4/",
        {"version": dm4.version, "status": "not_met"},
    )
    assert locked.status_code == 400 and "can no longer be changed" in locked.text

    # A reminder goes out once, when the due date is near.
    assert services.send_reminders(today=due - dt.timedelta(days=5)) == 0
    call_command("send_reminders", days=20, stdout=__import__("io").StringIO())
    f.deliver()
    assert "Reminder" in mail.outbox[-1].subject
    assert services.send_reminders(today=due) == 0

    clarification = assessment.clarifications.get()
    with django_capture_on_commit_callbacks(execute=True):
        city.post(
            f"/my/cities/{c.slug}/assessment/clarifications/{clarification.pk}/answer/",
            {"reply": "See DM3."},
        )
    f.deliver()
    assert mail.outbox[-1].to == [admin.email] and "See DM3." in mail.outbox[-1].body
    dm3.refresh_from_db()
    again = city.post(
        f"/my/cities/{c.slug}/assessment/criteria/DM3/",
        {"version": dm3.version, "status": "not_met"},
    )
    assert again.status_code == 400  # closed again


def test_overdue_clarifications_are_flagged_in_the_queue(submitted) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from citycert.reviews.models import Clarification

    _c, _lead, assessment = submitted
    admin = f.person(admin=True, mfa=True)
    services.assign_reviewer(assessment, f.person(reviewer=True), admin)
    clarification = services.request_clarification(
        assessment, ["DM1"], "Which body?", timezone.localdate() + dt.timedelta(days=3), admin
    )
    queue = signed_in(admin).get("/program/reviews/").text
    assert "waiting for a clarification" in queue and "overdue" not in queue
    Clarification.objects.filter(pk=clarification.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert "clarification overdue" in signed_in(admin).get("/program/reviews/").text


def test_interviews_and_visits_are_recorded_with_their_criteria(submitted) -> None:  # type: ignore[no-untyped-def]
    _c, _lead, assessment = submitted
    admin = f.person(admin=True, mfa=True)
    staff = signed_in(admin)
    url = f"/program/reviews/{assessment.pk}/visits/"
    refused = staff.post(
        url, {"kind": "visit", "held_on": "2099-01-01", "people_met": "x"}, follow=True
    )
    assert "once it has taken place" in refused.text
    staff.post(
        url,
        {
            "kind": "visit",
            "held_on": "2026-01-15",
            "place": "311 call centre",
            "people_met": "Call centre manager; data analyst",
            "codes": ["CI2", "PA5"],
        },
    )
    visit = assessment.interactions.get()
    assert (visit.kind, visit.place) == ("visit", "311 call centre")
    assert sorted(visit.criteria.values_list("code", flat=True)) == ["CI2", "PA5"]
    assert "311 call centre" in staff.get(f"/program/reviews/{assessment.pk}/decide/").text


@pytest.mark.parametrize(("opted_in", "named"), [(True, True), (False, False)])
def test_the_honor_roll_names_close_cities_only_if_they_agree(
    submitted, opted_in: bool, named: bool
) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = submitted
    admin = f.person(admin=True, mfa=True)
    reviewer = f.person(reviewer=True, mfa=True)
    services.assign_reviewer(assessment, reviewer, admin)
    assessment.assignments.update(conflict=False)
    if opted_in:
        signed_in(lead).post(f"/my/cities/{c.slug}/honor-roll/", {"opt_in": "yes"})
    # 20 of the 30 claims hold: two short of Silver (22 of 43).
    codes = list(
        assessment.answers.filter(status="claimed").values_list("criterion__code", flat=True)
    )
    services.validate(
        assessment,
        reviewer,
        {code: ("validated" if i < 20 else "not_validated", "") for i, code in enumerate(codes)},
    )
    decision = services.decide(
        assessment,
        level="",
        rationale="Close.",
        difference_reason="",
        cohort_label="2026-09",
        by=admin,
    )
    assert decision.silver_gap == 2
    other = f.city("Certville", "US")
    Certification.objects.create(
        city=other, cohort=decision.cohort, standard=assessment.standard, level="silver"
    )
    signed_in(admin).post("/program/cohorts/", {"cohort": decision.cohort.pk, "confirm": "1"})
    page = Client().get("/cohorts/2026-09/").text
    data = Client().get("/cohorts/2026-09.json").json()
    assert ("Valdivia" in page) is named
    assert ([h["city"] for h in data["honor_roll"]] == ["Valdivia"]) is named
    if named:  # the city is named, with no score
        section = page.split('id="honor-h">Honor roll</h2>')[1].split("</section>")[0]
        assert "Valdivia" in section and not any(ch.isdigit() for ch in section)


def test_with_no_criterion_validated_the_review_shows_no_level(submitted) -> None:  # type: ignore[no-untyped-def]
    c, _lead, assessment = submitted
    admin, reviewer = f.person(admin=True, mfa=True), f.person(reviewer=True, mfa=True)
    services.declare(services.assign_reviewer(assessment, reviewer, admin), conflict=False, note="")
    page = signed_in(reviewer).get(f"/my/reviews/{c.slug}/").text
    lead = "Validated so far:" + page.split("Validated so far:", 1)[1].split("</p>", 1)[0]
    assert "Validated so far: 0 criteria." in lead
    assert "No level yet." in lead
    assert 'class="level' not in lead and "Level on validated criteria" not in lead
