"""A person's access to a city is gathered once per request; a reviewer's access follows the
assessment: full while its review is open, read only to it once decided, nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from citycert.accounts import policy
from citycert.accounts.models import ApiToken
from citycert.accounts.policy import Action
from citycert.accounts.services import create_token
from citycert.assessments import services
from citycert.reviews import services as reviews
from tests import factories as f

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def gathered(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every time the policy gathers someone's relations to a city (the real function runs)."""
    calls: list[Any] = []
    real = policy._gather

    def counting(user: Any, city: Any) -> policy.Access:
        calls.append(city.pk)
        return real(user, city)

    monkeypatch.setattr(policy, "_gather", counting)
    return calls


def test_it_gathers_a_persons_relations_once_per_request(
    standard: None, gathered: list[Any]
) -> None:
    c, lead, _assessment = f.submitted_assessment(claimed=25)
    client = signed_in(lead)
    for url in (
        f"/my/cities/{c.slug}/assessment/",
        f"/my/cities/{c.slug}/assessment/criteria/DM1/",
        f"/my/cities/{c.slug}/reports/",
        f"/my/cities/{c.slug}/",
    ):
        gathered.clear()
        assert client.get(url).status_code == 200, url
        assert gathered == [c.pk], url
    token = create_token(lead, "t", ApiToken.Scope.READ).secret
    gathered.clear()
    answers = Client().get(
        f"/api/v1/my/cities/{c.slug}/assessment/answers",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answers.status_code == 200 and gathered == [c.pk]


def test_a_reviewer_reaches_the_review_then_reads_it_and_nothing_more(standard: None) -> None:
    c, lead, first = f.submitted_assessment(claimed=25)
    renata = f.person(reviewer=True, mfa=True)
    admin = f.person(admin=True, mfa=True)
    assignment = reviews.assign_reviewer(first, renata, admin)

    access = policy.access(renata, c)
    assert access.can(Action.DECLARE_CONFLICT, first) and not access.can(Action.VALIDATE, first)
    reviews.declare(assignment, conflict=False, note="")
    policy.forget(renata)
    access = policy.access(renata, c)
    assert access.can(Action.VALIDATE, first) and access.can(Action.VIEW_ASSESSMENT, first)

    reviews.validate(first, renata, dict.fromkeys(f.claimed_codes(first), ("validated", "")))
    reviews.decide(
        first,
        level="silver",
        rationale="Met.",
        difference_reason="",
        cohort_label="2026-06",
        by=admin,
    )
    policy.forget(renata)
    access = policy.access(renata, c)
    assert access.can(Action.VIEW_ASSESSMENT, first) and access.can(Action.VIEW_REPORT, first)
    assert not access.can(Action.VALIDATE, first)
    assert not access.can(Action.VIEW_CITY)

    # The city's next assessment is nothing to her until she is assigned to it.
    second = services.start(c, lead)
    policy.forget(renata)
    access = policy.access(renata, c)
    assert not access.can(Action.VIEW_ASSESSMENT, second)
    client = signed_in(renata)
    assert client.get(f"/my/cities/{c.slug}/reports/assessments/{second.pk}/").status_code == 404
    assert client.get(f"/my/cities/{c.slug}/reports/assessments/{first.pk}/").status_code == 200
    assert client.get(f"/my/cities/{c.slug}/").status_code == 403  # the team page
    page = client.get(f"/my/reviews/{c.slug}/")
    assert page.status_code == 200 and "change nothing" in page.text
    refused = client.post(f"/my/reviews/{c.slug}/", {"verdict-DM1": "not_validated"})
    assert refused.status_code == 403
    # Her overview is the assessment she reviewed, read only: not the new draft.
    overview = client.get(f"/my/cities/{c.slug}/assessment/")
    assert overview.status_code == 200 and "Check and submit" not in overview.text

    # Assigned again for the re-certification: the same reviewer, a new assignment.
    f.answer_all(second, lead, 26)
    services.save_outcome(
        second,
        version=second.outcome_version,
        option=second.standard.outcome_options.get(code="broadband"),
        narrative="Census.",
        links=[],
    )
    services.submit(second, lead)
    again = reviews.assign_reviewer(second, renata, admin)
    assert again.pk != assignment.pk and again.assessment_id == second.pk
    policy.forget(renata)
    assert policy.access(renata, c).can(Action.DECLARE_CONFLICT, second)


def test_a_declared_conflict_keeps_the_reviewer_from_the_city_later(standard: None) -> None:
    c, _lead, first = f.submitted_assessment(claimed=25)
    admin = f.person(admin=True, mfa=True)
    rita = f.person(reviewer=True, mfa=True)
    assignment = reviews.assign_reviewer(first, rita, admin)
    reviews.declare(assignment, conflict=True, note="I advised the mayor.")
    policy.forget(rita)
    assert not policy.access(rita, c).can(Action.VIEW_ASSESSMENT, first)
    with pytest.raises(reviews.ReviewError, match="declared a conflict of interest"):
        reviews.assign_reviewer(first, rita, admin)


def test_a_reviewer_sees_the_team_only_after_declaring_no_conflict(standard: None) -> None:
    """Until they declare, a reviewer knows the city's name (to declare) but not its people."""
    c, lead, first = f.submitted_assessment(claimed=25)
    admin = f.person(admin=True, mfa=True)
    rosa = f.person(reviewer=True, mfa=True)
    assignment = reviews.assign_reviewer(first, rosa, admin)
    client = signed_in(rosa)
    assert client.get(f"/my/cities/{c.slug}/").status_code == 403
    declare = client.get(f"/my/reviews/{c.slug}/declare/")
    assert declare.status_code == 200 and lead.email not in declare.text
    reviews.declare(assignment, conflict=False, note="")
    team = client.get(f"/my/cities/{c.slug}/")
    assert team.status_code == 200 and lead.email in team.text
