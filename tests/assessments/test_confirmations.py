"""Removing a file and submitting the assessment ask first: a GET or an unconfirmed POST shows
what will happen and changes nothing; the confirmed POST acts once, and a double click does not
act twice (nor shows an error for the first click's success)."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from citycert.assessments import services
from citycert.assessments.models import Evidence, StateChange
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@pytest.fixture
def team(db: None):  # type: ignore[no-untyped-def]
    c = f.city("Valparaíso", "CL")
    lead = f.lead(c, f.person(name="Ana")).user
    client = Client()
    client.force_login(lead, backend=BACKEND)
    return c, lead, client


@pytest.fixture
def evidence(team) -> Evidence:  # type: ignore[no-untyped-def]
    c, lead, _ = team
    assessment = services.start(c, lead, carry_forward=False)
    dm1 = assessment.answers.get(criterion__code="DM1")
    return services.add_evidence(dm1, io.BytesIO(f.TINY_PDF), "plan.pdf", lead)


def test_removing_a_file_asks_first_and_changes_nothing_unconfirmed(team, evidence) -> None:  # type: ignore[no-untyped-def]
    c, _, client = team
    url = f"/my/cities/{c.slug}/evidence/{evidence.pk}/delete/"
    answer_url = f"/my/cities/{c.slug}/assessment/criteria/DM1/"
    for response in (client.get(url), client.post(url), client.post(url, {"confirm": "yes"})):
        assert response.status_code == 200
        assert "Remove plan.pdf from DM1?" in response.text
        assert "This cannot be undone." in response.text
        assert 'name="confirm" value="1"' in response.text
        assert f'href="{answer_url}"' in response.text  # cancel
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_the_confirmed_removal_acts_once_and_a_second_click_is_no_error(team, evidence) -> None:  # type: ignore[no-untyped-def]
    c, _, client = team
    url = f"/my/cities/{c.slug}/evidence/{evidence.pk}/delete/"
    answer_url = f"/my/cities/{c.slug}/assessment/criteria/DM1/"
    first = client.post(url, {"confirm": "1", "next": answer_url})
    assert first.status_code == 302 and first.url == answer_url
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    second = client.post(url, {"confirm": "1", "next": answer_url}, follow=True)
    assert second.redirect_chain == [(answer_url, 302)]
    assert "The file is removed already." in second.text
    assert client.get(url).status_code == 404  # nothing there to ask about


def test_a_file_of_a_locked_answer_is_not_offered_for_removal(team, evidence) -> None:  # type: ignore[no-untyped-def]
    c, _, client = team
    evidence.answer.assessment.__class__.objects.filter(pk=evidence.answer.assessment_id).update(
        state="submitted"
    )
    response = client.get(f"/my/cities/{c.slug}/evidence/{evidence.pk}/delete/", follow=True)
    assert "This answer can no longer be changed." in response.text
    assert "Remove plan.pdf from DM1?" not in response.text
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_submitting_asks_first_and_an_unconfirmed_post_changes_nothing(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, client = team
    assessment = f.assessment_of(c, lead, claimed=25)
    url = f"/my/cities/{c.slug}/assessment/submit/"
    page = client.get(url).text
    assert f"Submit the assessment of {c.name} against the" in page
    assert 'name="confirm" value="1"' in page
    assert f'href="/my/cities/{c.slug}/assessment/"' in page  # cancel
    for unconfirmed in ({}, {"confirm": "0"}):
        response = client.post(url, unconfirmed)
        assert response.status_code == 200
        assert "Submit the assessment of" in response.text
    assessment.refresh_from_db()
    assert assessment.state == "draft"


def test_a_double_click_on_submit_submits_once_without_an_error(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, client = team
    assessment = f.assessment_of(c, lead, claimed=25)
    url = f"/my/cities/{c.slug}/assessment/submit/"
    assert client.post(url, {"confirm": "1"}).status_code == 302
    second = client.post(url, {"confirm": "1"}, follow=True)
    assert "The assessment is submitted already." in second.text
    assert "can no longer be changed" not in second.text
    assessment.refresh_from_db()
    assert assessment.state == "submitted"
    assert StateChange.objects.filter(assessment=assessment, transition="submit").count() == 1


def test_the_submit_page_names_claims_that_count_as_not_met(team) -> None:  # type: ignore[no-untyped-def]
    c, lead, client = team
    assessment = f.assessment_of(c, lead, claimed=25)
    dm1 = assessment.answers.get(criterion__code="DM1")
    services.save_answer(
        dm1,
        version=dm1.version,
        status="claimed",
        items=["a"],
        narrative="",
        links=dm1.links,
        by=lead,
    )
    page = client.get(f"/my/cities/{c.slug}/assessment/submit/").text
    assert "One claim has fewer checklist items than its criterion needs" in page
    assert "1 of 3 items needed" in page
