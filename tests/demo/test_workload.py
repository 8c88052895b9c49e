"""generate_demo makes work in progress as well as history: assessments in every state with an
answer per criterion, their leads, reviewers and admins who can work, verdicts, clarifications
and decisions."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from citycert.accounts import policy
from citycert.accounts.models import Membership, ProgramRole, User
from citycert.assessments.models import Answer, Assessment
from citycert.reviews.models import Assignment, Clarification, Decision, Validation
from citycert.standards.models import Criterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(standard: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command(
        "generate_demo",
        cities=60,
        events=120,
        assessments=40,
        decided=20,
        reviewers=5,
        admins=2,
        verbosity=0,
    )


def test_it_makes_assessments_in_every_state_with_an_answer_per_criterion(generated: None) -> None:
    states = Counter(Assessment.objects.values_list("state", flat=True))
    assert states["decided"] == 20
    assert sum(states[s] for s in Assessment.OPEN_STATES) == 40
    assert all(states[s] for s in Assessment.OPEN_STATES)
    criteria = Criterion.objects.filter(version__code="2022").count()
    per_assessment = Counter(Answer.objects.values_list("assessment_id", flat=True))
    assert set(per_assessment.values()) == {criteria}
    assert (
        Answer.objects.exclude(assessment__state="draft").filter(status="unanswered").count() == 0
    )
    # A city's open assessment follows its decided one, when it has one.
    followers = Assessment.objects.filter(state__in=Assessment.OPEN_STATES, previous__isnull=False)
    assert all(a.previous.city_id == a.city_id for a in followers)  # type: ignore[union-attr]


def test_each_city_with_an_assessment_has_a_lead(generated: None) -> None:
    cities = set(Assessment.objects.values_list("city_id", flat=True))
    leads = set(Membership.objects.filter(role="lead").values_list("city_id", flat=True))
    assert cities == leads


def test_staff_have_a_second_factor_and_reviews_have_reviewers_and_verdicts(
    generated: None,
) -> None:
    staff = User.objects.filter(program_roles__isnull=False).distinct()
    assert ProgramRole.objects.filter(role="reviewer").count() == 5
    assert ProgramRole.objects.filter(role="admin").count() == 2
    assert not any(policy.needs_mfa_setup(u) for u in staff)
    reviewed = Assessment.objects.filter(state__in=("in_review", "clarification", "decided"))
    assert all(a.assignments.count() == 2 for a in reviewed)
    assert not Assignment.objects.filter(assessment__state__in=("draft", "submitted")).exists()
    assert not Validation.objects.exclude(answer__status="claimed").exists()
    assert Validation.objects.filter(answer__assessment__state="in_review").exists()
    waiting = Assessment.objects.filter(state="clarification")
    assert Clarification.objects.filter(assessment__in=waiting).count() == waiting.count()
    assert (
        Answer.objects.filter(reopened=True).exclude(assessment__state="clarification").count() == 0
    )
    assert Decision.objects.count() == 20
    decided = Answer.objects.filter(assessment__state="decided", status="claimed")
    assert not decided.filter(finding="").exists()


def test_counts_are_checked(standard: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    with pytest.raises(CommandError, match="at most --cities"):
        call_command("generate_demo", cities=5, events=5, assessments=6, verbosity=0)
    with pytest.raises(CommandError, match="negative"):
        call_command("generate_demo", cities=5, events=5, decided=-1, verbosity=0)
    with pytest.raises(CommandError, match="at least 2"):
        call_command("generate_demo", cities=5, events=5, reviewers=1, verbosity=0)
