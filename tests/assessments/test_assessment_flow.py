"""A city team's assessment: start, answer as a team, evidence, autosave, conflicts, submission,
withdrawal and re-certification, through the pages where a person would."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from citycert.assessments import services
from citycert.assessments.models import Answer, Assessment, Evidence
from citycert.standards.models import StandardVersion
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@pytest.fixture
def team(db: None):  # type: ignore[no-untyped-def]
    c = f.city("Medellín", "CO")
    lead = f.lead(c, f.person(name="Lucía"))
    contributor = f.member(c, f.person(name="Jon"))
    return c, lead.user, contributor.user


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def test_the_lead_starts_an_assessment_with_every_criterion(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    response = signed_in(lead).post(f"/my/cities/{c.slug}/assessment/start/")
    assert response.status_code == 302
    assessment = c.assessments.get()
    assert assessment.standard.code == "2022"
    assert assessment.answers.count() == 43
    with pytest.raises(services.AssessmentError, match="already has an assessment in progress"):
        services.start(c, lead)


def test_a_second_save_from_an_old_version_is_refused_with_the_other_change(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, contributor = team
    answer = services.start(c, lead).answers.get(criterion__code="DM1")
    services.save_answer(
        answer,
        version=1,
        status="claimed",
        items=["a"],
        narrative="Lucía's text",
        links=[],
        by=lead,
    )
    with pytest.raises(services.ConflictError) as caught:
        services.save_answer(
            answer,
            version=1,
            status="not_met",
            items=[],
            narrative="Jon's text",
            links=[],
            by=contributor,
        )
    assert caught.value.current.narrative == "Lucía's text"
    assert "Lucía saved this answer while you were editing it" in caught.value.message
    answer.refresh_from_db()
    assert (answer.narrative, answer.version) == ("Lucía's text", 2)


def test_the_page_shows_the_conflict_and_keeps_the_other_change(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, contributor = team
    assessment = services.start(c, lead)
    answer = assessment.answers.get(criterion__code="DM2")
    services.assign(answer, contributor)
    url = f"/my/cities/{c.slug}/assessment/criteria/DM2/"
    signed_in(lead).post(
        url, {"version": 1, "status": "claimed", "items": ["a"], "narrative": "first"}
    )
    response = signed_in(contributor).post(
        url, {"version": 1, "status": "claimed", "items": ["b"], "narrative": "second"}
    )
    assert response.status_code == 409
    assert "saved this answer while you were editing it" in response.text
    assert "first" in response.text
    answer.refresh_from_db()
    assert answer.narrative == "first"


def test_autosave_answers_with_the_saved_state_and_the_new_version(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    services.start(c, lead)
    client = signed_in(lead)
    url = f"/my/cities/{c.slug}/assessment/criteria/PA1/"
    response = client.post(
        url,
        {"version": 1, "status": "claimed", "items": ["a", "b"]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Saved at" in response.text
    assert 'name="version" value="2"' in response.text and 'hx-swap-oob="true"' in response.text
    # The score line on the page updates with the save.
    assert 'id="score-line" hx-swap-oob="true"' in response.text
    stale = client.post(url, {"version": 1, "status": "not_met"}, headers={"HX-Request": "true"})
    assert stale.status_code == 409 and 'role="alert"' in stale.text


def test_a_contributor_edits_only_the_criteria_assigned_to_them(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, contributor = team
    assessment = services.start(c, lead)
    services.assign(assessment.answers.get(criterion__code="OD1"), contributor)
    client = signed_in(contributor)
    mine = client.get(f"/my/cities/{c.slug}/assessment/mine/").text
    assert "OD1" in mine and "OD2" not in mine
    base = f"/my/cities/{c.slug}/assessment/criteria/"
    assert client.post(base + "OD1/", {"version": 1, "status": "not_met"}).status_code == 302
    assert client.post(base + "OD2/", {"version": 1, "status": "not_met"}).status_code == 403


def test_the_live_preview_scores_what_is_claimed(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    assessment = services.start(c, lead)
    f.answer_all(assessment, lead, claimed=30)
    page = signed_in(lead).get(f"/my/cities/{c.slug}/assessment/").text
    assert "30 of 43 criteria met (69.8%)" in page
    assert "outcome gate is not addressed" in page


def test_submission_lists_what_is_missing_then_locks_the_assessment(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    assessment = services.start(c, lead)
    client = signed_in(lead)
    page = client.get(f"/my/cities/{c.slug}/assessment/submit/").text
    assert "DM1 is not answered" in page
    assert f'href="/my/cities/{c.slug}/assessment/criteria/DM1/"' in page
    assert "outcome gate is not addressed" in page
    assert client.post(f"/my/cities/{c.slug}/assessment/submit/").status_code == 200
    assessment.refresh_from_db()
    assert assessment.state == "draft"

    f.answer_all(assessment, lead, claimed=25)
    dm1 = assessment.answers.get(criterion__code="DM1")
    services.save_answer(
        dm1,
        version=dm1.version,
        status="claimed",
        items=["a", "b", "c"],
        narrative="",
        links=[],
        by=lead,
    )
    problems = services.problems(assessment)
    assert any("DM1 is claimed but has 0 of the" in p.message for p in problems)
    services.save_answer(
        dm1, version=dm1.version + 1, status="not_met", items=[], narrative="", links=[], by=lead
    )
    client.post(
        f"/my/cities/{c.slug}/assessment/outcome/",
        {"version": 1, "option": "air_quality", "narrative": "PM2.5 below the WHO guideline."},
    )
    response = client.post(f"/my/cities/{c.slug}/assessment/submit/", {"confirm": "1"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (
        assessment.state == "submitted"
        and assessment.submitted_at
        and assessment.submitted_by == lead
    )
    pa1 = assessment.answers.get(criterion__code="PA1")
    with pytest.raises(services.AssessmentError, match="can no longer be changed"):
        services.save_answer(
            pa1, version=pa1.version, status="not_met", items=[], narrative="", links=[], by=lead
        )

    client.post(f"/my/cities/{c.slug}/assessment/withdraw/")
    assessment.refresh_from_db()
    assert assessment.state == "draft"
    Assessment.objects.filter(pk=assessment.pk).update(state="in_review")
    with pytest.raises(services.AssessmentError, match="review has not started"):
        services.withdraw(assessment, lead)


def test_a_pdf_is_stored_and_downloaded_only_as_an_attachment(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    services.start(c, lead)
    client = signed_in(lead)
    upload = io.BytesIO(f.TINY_PDF)
    upload.name = "../Plan de datos 2024.pdf"
    response = client.post(
        f"/my/cities/{c.slug}/assessment/criteria/DM1/evidence/", {"file": upload}, follow=True
    )
    assert "Plan de datos 2024.pdf is uploaded" in response.text
    evidence = Evidence.objects.get()
    assert ".." not in evidence.file.name and "Plan" not in evidence.file.name  # random stored name
    assert not evidence.file.path.startswith(str(settings.STATIC_ROOT))
    download = client.get(f"/my/cities/{c.slug}/evidence/{evidence.pk}/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == f.TINY_PDF
    outsider = signed_in(f.person())
    assert outsider.get(f"/my/cities/{c.slug}/evidence/{evidence.pk}/").status_code == 404


def test_a_refused_file_says_why_and_leaves_nothing_behind(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    services.start(c, lead)
    before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))
    upload = io.BytesIO(b"MZ\x90\x00" + bytes(300))
    upload.name = "report.pdf"
    response = signed_in(lead).post(
        f"/my/cities/{c.slug}/assessment/criteria/DM1/evidence/", {"file": upload}, follow=True
    )
    assert "report.pdf" in response.text and "cannot be uploaded" in response.text
    assert not Evidence.objects.exists()
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == before


def test_re_certification_carries_answers_and_evidence_forward_to_confirm(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    first = services.start(c, lead)
    f.answer_all(first, lead, claimed=23)
    dm1 = first.answers.get(criterion__code="DM1")
    services.add_evidence(dm1, io.BytesIO(f.TINY_PDF), "strategy.pdf", lead)
    Assessment.objects.filter(pk=first.pk).update(
        state="decided"
    )  # decided by the certification team

    second = services.start(c, lead)
    carried = second.answers.get(criterion__code="DM1")
    assert (
        carried.carried_forward
        and carried.status == "claimed"
        and carried.narrative == "We do this."
    )
    assert carried.evidence.get().name == "strategy.pdf"
    assert "carried forward" in services.problems(second)[0].message
    page = signed_in(lead).get(f"/my/cities/{c.slug}/assessment/").text
    assert "carried forward — confirm" in page


def test_answers_cross_from_2018_to_2022_through_the_crosswalk(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    v2018 = StandardVersion.objects.get(code="2018")
    old = Assessment.objects.create(city=c, standard=v2018, state="decided", created_by=lead)
    for criterion in v2018.criteria.all():
        Answer.objects.create(
            assessment=old,
            criterion=criterion,
            status="claimed",
            items=["a", "b", "c"] if criterion.code == "DG1" else ["met"],
            narrative=f"2018: {criterion.code}",
        )
    new = services.start(c, lead)
    dm2 = new.answers.get(criterion__code="DM2")
    assert (dm2.narrative, dm2.carried_forward, dm2.status) == ("2018: DG1", True, "unanswered")
    assert new.answers.get(criterion__code="BF3").narrative == "2018: RP-shift-funds"
    assert new.answers.get(criterion__code="DM9").narrative == ""  # nothing maps to it


@pytest.mark.django_db(transaction=True)
def test_two_connections_saving_at_once_cannot_both_win(team) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("this race is tested on PostgreSQL (CI runs the suite there)")
    c, lead, contributor = team
    answer = services.start(c, lead).answers.get(criterion__code="EVAL1")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(who, text: str) -> None:  # type: ignore[no-untyped-def]
        from django.db import connections

        try:
            mine = Answer.objects.select_related("assessment", "criterion").get(pk=answer.pk)
            barrier.wait(timeout=10)
            services.save_answer(
                mine,
                version=mine.version,
                status="not_met",
                items=[],
                narrative=text,
                links=[],
                by=who,
            )
            outcomes[text] = "saved"
        except services.ConflictError:
            outcomes[text] = "conflict"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(lead, "lead")),
        threading.Thread(target=save, args=(contributor, "contributor")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    answer.refresh_from_db()
    assert answer.version == 2
    assert answer.narrative == next(text for text, result in outcomes.items() if result == "saved")
    assert os.environ.get("DATABASE_URL", "").startswith("postgres")


def test_the_assessment_pages_use_a_bounded_number_of_queries(
    team, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    c, lead, contributor = team
    assessment = services.start(c, lead)
    f.answer_all(assessment, lead, claimed=20)
    for answer in assessment.answers.all()[:10]:
        services.assign(answer, contributor)
    client = signed_in(lead)
    client.get(f"/my/cities/{c.slug}/assessment/")  # warm the scoring spec cache
    with django_assert_max_num_queries(15):
        assert client.get(f"/my/cities/{c.slug}/assessment/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/my/cities/{c.slug}/assessment/criteria/DM1/").status_code == 200


def test_a_link_that_is_not_a_web_address_is_refused_and_nothing_changes(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    answer = services.start(c, lead).answers.get(criterion__code="OD3")
    response = signed_in(lead).post(
        f"/my/cities/{c.slug}/assessment/criteria/OD3/",
        {
            "version": 1,
            "status": "claimed",
            "items": ["a"],
            "links": "https://ok.example.org\njavascript:alert(1)",
        },
    )
    assert response.status_code == 400
    assert "is not a web address" in response.text
    answer.refresh_from_db()
    assert (answer.version, answer.links, answer.status) == (1, [], "unanswered")
