"""Turns of the certification cycle, through the real services, for the tests."""

from __future__ import annotations

from typing import Any

from citycert.accounts.models import User
from citycert.assessments import services
from citycert.assessments.models import Assessment
from citycert.reviews import services as reviews
from citycert.reviews.history import publish_cohort
from citycert.reviews.models import Cohort, Decision
from tests import factories as f

#: Criteria claimed (and validated) for each level of the 2022 Standard: 22/43 is Silver,
#: 30/43 Gold, 37/43 Platinum.
CLAIMS = {"": 15, "silver": 24, "gold": 31, "platinum": 38}


def assessed(city: Any, lead: User, level: str) -> Assessment:
    """A new assessment of the city, submitted, its claims enough for `level`."""
    assessment = f.assessment_of(city, lead, claimed=CLAIMS[level])
    return services.submit(assessment, lead)


def reviewed(
    assessment: Assessment,
    reviewer: User,
    admin: User,
    *,
    level: str,
    cohort: str,
    validated: int | None = None,
) -> Decision:
    """Assigned to `reviewer`, the first `validated` claims validated (all by default), the
    rest not, decided at `level` in `cohort`."""
    assignment = reviews.assign_reviewer(assessment, reviewer, admin)
    reviews.declare(assignment, conflict=False, note="")
    codes = f.claimed_codes(assessment)
    keep = len(codes) if validated is None else validated
    reviews.validate(
        assessment,
        reviewer,
        {c: ("validated" if i < keep else "not_validated", "") for i, c in enumerate(codes)},
    )
    computed, _points = reviews.computed_level(assessment)
    return reviews.decide(
        assessment,
        level=level,
        rationale="Decided on the validated claims.",
        difference_reason="" if (computed or "") == level else "The panel of the team said so.",
        cohort_label=cohort,
        by=admin,
    )


def cycle(
    city: Any, lead: User, reviewer: User, admin: User, *, level: str, cohort: str
) -> Decision:
    """A whole turn: assessed, reviewed, decided at `level` and announced in `cohort`."""
    decision = reviewed(assessed(city, lead, level), reviewer, admin, level=level, cohort=cohort)
    publish_cohort(Cohort.objects.get(label=cohort))
    return decision
