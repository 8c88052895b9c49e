"""Builders for report tests: cities with assessments in each state, through the real services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from citycert.assessments import services
from citycert.assessments.models import Assessment
from citycert.reviews import services as reviews
from tests import factories as f

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend=BACKEND)
    return client


def assessed_city(
    name: str,
    country: str = "AR",
    *,
    claimed: int = 20,
    population: int = 1_200_000,
    submit: bool = True,
    **fields: Any,
) -> tuple[Any, Any, Assessment]:
    """A city whose lead answered every criterion (the first `claimed` in full), chose the
    broadband outcome and, with `submit`, submitted."""
    c = f.city(name, country, population=population, **fields)
    owner = f.lead(c).user
    assessment = services.start(c, owner)
    f.answer_all(assessment, owner, claimed)
    services.save_outcome(
        assessment,
        version=1,
        narrative="Census figures.",
        links=[],
        option=assessment.standard.outcome_options.get(code="broadband"),
    )
    if submit:
        services.submit(assessment, owner)
    return c, owner, Assessment.objects.get(pk=assessment.pk)


def decide(assessment: Assessment, *, validated: int, level: str = "", cohort: str = "2023-06"):  # type: ignore[no-untyped-def]
    """Review and decide `assessment`: the first `validated` claims validated, the rest not."""
    admin = f.person(admin=True)
    reviewer = f.person(reviewer=True)
    reviews.assign_reviewer(assessment, reviewer, admin)
    assessment.assignments.update(conflict=False)
    codes = list(
        assessment.answers.filter(status="claimed")
        .order_by("criterion__position")
        .values_list("criterion__code", flat=True)
    )
    reviews.validate(
        assessment,
        reviewer,
        {
            code: ("validated" if i < validated else "not_validated", "")
            for i, code in enumerate(codes)
        },
    )
    return reviews.decide(
        assessment,
        level=level,
        rationale="Decided.",
        difference_reason="Set by the test.",
        cohort_label=cohort,
        by=admin,
    )


@pytest.fixture
def rosario(standard: None):  # type: ignore[no-untyped-def]
    """Rosario, Argentina, with an assessment in progress: 20 of 43 criteria claimed."""
    return assessed_city("Rosario", claimed=20, submit=False, admin_area="Santa Fe")
