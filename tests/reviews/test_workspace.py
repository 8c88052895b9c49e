"""The reviewer's workspace: for each criterion the city's claim and evidence beside the
verdict, progress per practice area, filters on the server, moving between criteria, saving
back to the criterion, and a bounded number of queries."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client

from citycert.assessments import services as assessment_services
from citycert.reviews import services
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def reviewed(claimed: int = 30, *, evidence: bool = False):  # type: ignore[no-untyped-def]
    """A submitted assessment with its reviewer (declared, no conflict) signed in."""
    c = f.city("Valdivia", "CL")
    lead = f.lead(c).user
    assessment = f.assessment_of(c, lead, claimed)
    if evidence:
        dm1 = assessment.answers.get(criterion__code="DM1")
        assessment_services.add_evidence(dm1, io.BytesIO(f.TINY_PDF), "strategy.pdf", lead)
    assessment_services.submit(assessment, lead)
    reviewer = f.person(reviewer=True, mfa=True)
    f.assign(assessment, reviewer)
    assessment.refresh_from_db()
    return c, assessment, reviewer, signed_in(reviewer)


def section(page: str, code: str) -> str:
    pattern = rf'<section class="criterion-review" id="criterion-{code}".*?</section>'
    found = re.search(pattern, page, re.S)
    assert found, code
    return found.group(0)


@pytest.mark.django_db
def test_it_shows_the_claim_and_its_evidence_beside_the_verdict() -> None:
    c, assessment, _reviewer, client = reviewed(evidence=True)
    page = client.get(f"/my/reviews/{c.slug}/").text
    dm1 = section(page, "DM1")
    claim, verdict = dm1.split('class="grid-col-12 tablet:grid-col-5 criterion-review__verdict"')
    assert 'class="grid-col-12 tablet:grid-col-7 criterion-review__claim"' in claim
    assert "Ticked:" in claim and "We do this." in claim
    assert "https://city.example.org/0/0" in claim
    evidence = assessment.answers.get(criterion__code="DM1").evidence.get()
    assert f'href="/my/cities/{c.slug}/evidence/{evidence.pk}/"' in claim
    assert 'name="verdict-DM1"' in verdict and 'name="comment-DM1"' in verdict
    assert '<h3 id="heading-DM1" tabindex="-1" data-criterion-heading>' in dm1
    # The evidence link goes through the audited download.
    assert client.get(f"/my/cities/{c.slug}/evidence/{evidence.pk}/").status_code == 200


@pytest.mark.django_db
def test_it_counts_decided_claims_overall_and_per_practice_area() -> None:
    c, assessment, reviewer, client = reviewed(claimed=12)
    services.validate(
        assessment,
        reviewer,
        {"DM1": ("validated", ""), "DM2": ("not_validated", ""), "DM3": ("clarify", "Which?")},
    )
    page = client.get(f"/my/reviews/{c.slug}/").text
    assert "2 of 12 decided" in page  # a question to the city is not a decision yet
    assert "Data Management: 2 of 9 decided" in page
    assert "Leadership &amp; Capacity: 0 of 3 decided" in page


@pytest.mark.django_db
def test_its_filters_work_on_the_server() -> None:
    c, assessment, reviewer, client = reviewed(claimed=12)
    services.validate(
        assessment,
        reviewer,
        {"DM1": ("validated", ""), "DM2": ("not_validated", ""), "DM3": ("clarify", "Which?")},
    )
    url = f"/my/reviews/{c.slug}/"

    def shown(show: str) -> list[str]:
        page = client.get(url, {"show": show}).text
        return re.findall(r'<section class="criterion-review" id="criterion-([A-Z0-9]+)"', page)

    assert len(shown("all")) == 43
    assert len(shown("claimed")) == 12 and "PA1" not in shown("claimed")
    assert shown("disagreed") == ["DM2", "DM3"]
    assert shown("clarify") == ["DM3"]
    assert len(shown("nonsense")) == 43  # an unknown filter shows everything
    page = client.get(url, {"show": "clarify"}).text
    assert 'aria-current="page">Needs clarification' in page


@pytest.mark.django_db
def test_it_links_each_criterion_to_the_previous_and_next_shown() -> None:
    c, assessment, reviewer, client = reviewed(claimed=12)
    services.validate(
        assessment, reviewer, {"DM2": ("not_validated", ""), "DM5": ("clarify", "Which?")}
    )
    page = client.get(f"/my/reviews/{c.slug}/").text
    dm2 = section(page, "DM2")
    assert 'href="#criterion-DM1">Previous: DM1' in dm2 and 'href="#criterion-DM3">Next: DM3' in dm2
    assert "Previous:" not in section(page, "DM1")
    filtered = client.get(f"/my/reviews/{c.slug}/", {"show": "disagreed"}).text
    assert 'href="#criterion-DM5">Next: DM5' in section(filtered, "DM2")
    assert "Next:" not in section(filtered, "DM5")


@pytest.mark.django_db
def test_saving_one_criterion_returns_to_it_with_the_filter_kept() -> None:
    c, _assessment, _reviewer, client = reviewed(claimed=12)
    response = client.post(
        f"/my/reviews/{c.slug}/?show=claimed",
        {"verdict-DM4": "not_validated", "comment-DM4": "No audit found.", "save": "DM4"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/my/reviews/{c.slug}/?show=claimed#criterion-DM4"
    page = client.get(response["Location"]).text
    assert "Saved: Not validated" in section(page, "DM4")
    assert "No audit found." in section(page, "DM4")
    # A save button naming no shown criterion saves and returns to the top.
    response = client.post(
        f"/my/reviews/{c.slug}/", {"verdict-DM5": "validated", "save": "<script>"}
    )
    assert response["Location"] == f"/my/reviews/{c.slug}/"


@pytest.mark.django_db
def test_a_verdict_not_offered_is_refused_without_a_crash() -> None:
    c, _assessment, _reviewer, client = reviewed(claimed=12)
    response = client.post(f"/my/reviews/{c.slug}/", {"verdict-DM1": "excellent"})
    assert response.status_code == 400
    assert "Choose each verdict from the list." in response.text


@pytest.mark.django_db
def test_its_keyboard_help_is_a_static_script() -> None:
    c, _assessment, _reviewer, client = reviewed(claimed=3)
    page = client.get(f"/my/reviews/{c.slug}/").text
    assert re.search(r'<script src="[^"]*/citycert/review-keys\.[0-9a-f.]*js" defer>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script
    assert 'id="review-keys-hint" hidden' in page


@pytest.mark.django_db
@pytest.mark.parametrize("claimed", [4, 36])
def test_its_queries_do_not_grow_with_the_criteria(  # type: ignore[no-untyped-def]
    django_assert_max_num_queries, claimed: int
) -> None:
    c, assessment, reviewer, client = reviewed(claimed=claimed)
    codes = f.claimed_codes(assessment)
    services.validate(assessment, reviewer, dict.fromkeys(codes, ("validated", "")))
    with django_assert_max_num_queries(22):
        assert client.get(f"/my/reviews/{c.slug}/").status_code == 200
