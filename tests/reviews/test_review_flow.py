"""The certification team's side through the pages: queue, two reviewers who declare conflicts
of interest first, validation, a settled disagreement, the decision, and the published cohort."""

from __future__ import annotations

import pytest
from django.test import Client

from citycert.assessments import services as assessment_services
from citycert.assessments.models import Assessment
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
    c = f.city("Valdivia", "CL")
    lead = f.lead(c).user
    assessment = assessment_services.start(c, lead)
    for i, answer in enumerate(
        assessment.answers.select_related("criterion").order_by("criterion__position")
    ):
        keys = list(answer.criterion.checklist_items.values_list("key", flat=True))
        docs = answer.criterion.required_documents.count()
        if i < 30:
            assessment_services.save_answer(
                answer,
                version=1,
                status="claimed",
                items=keys,
                narrative="Yes.",
                links=[f"https://valdivia.example.org/{i}/{n}" for n in range(docs)],
                by=lead,
            )
        else:
            assessment_services.save_answer(
                answer, version=1, status="not_met", items=[], narrative="", links=[], by=lead
            )
    assessment_services.save_outcome(
        assessment,
        version=1,
        option=assessment.standard.outcome_options.get(code="broadband"),
        narrative="Census figures.",
        links=[],
    )
    assessment_services.submit(assessment, lead)
    return c, lead, Assessment.objects.get(pk=assessment.pk)


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
    assert assessment.state == "in_review" and assessment.reviews.count() == 2
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
    refused = staff.post(
        decide_url, {"level": "platinum", "rationale": "Strong.", "cohort": "2026-06"}, follow=True
    )
    assert "differs from the computed level" in refused.text
    assert not Decision.objects.exists()
    staff.post(
        decide_url,
        {"level": "gold", "rationale": "Validated work on 30 criteria.", "cohort": "2026-06"},
    )
    decision = Decision.objects.get()
    assert (decision.level, decision.computed_level) == ("gold", "gold")
    assessment.refresh_from_db()
    assert assessment.state == "decided"

    # Not public until the cohort is published; then announced as newly certified.
    assert Client().get("/cohorts/2026-06/").status_code == 404
    staff.post("/program/cohorts/", {"cohort": decision.certification.cohort.pk})
    data = Client().get("/cohorts/2026-06.json").json()
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
    assert Certification.objects.get().published_at is not None


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
        cohort_label="",
        by=admin,
    )
    assert decision.certification is None and decision.computed_level == ""
    assert not Certification.objects.exists()
