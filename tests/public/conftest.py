"""A public world: the shipped history, a city certified through the review flow, and
applicants the public must never see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command

from citycert.cities.models import City
from citycert.reviews import services
from citycert.reviews.history import publish_cohort
from citycert.reviews.models import Decision
from tests import factories as f


def decide(name: str, country: str, *, validated: int, level: str, cohort: str) -> Decision:
    """A city's assessment taken through review to a decision in `cohort` (not published)."""
    _c, _lead, assessment = f.submitted_assessment(name, country, claimed=max(validated, 1))
    admin = f.person(admin=True, mfa=True)
    reviewer = f.person(reviewer=True, mfa=True)
    services.assign_reviewer(assessment, reviewer, admin)
    assessment.assignments.update(conflict=False)
    codes = list(
        assessment.answers.filter(status="claimed").values_list("criterion__code", flat=True)
    )
    services.validate(
        assessment,
        reviewer,
        {
            code: ("validated" if i < validated else "not_validated", "")
            for i, code in enumerate(codes)
        },
    )
    computed, _points = services.computed_level(assessment)
    return services.decide(
        assessment,
        level=level,
        rationale="Reviewed.",
        difference_reason="" if (computed or "") == level else "Test.",
        cohort_label=cohort,
        by=admin,
    )


@dataclass
class World:
    certified: Decision  # Valdivia, Gold, published in 2026-08
    applicant: Any  # Temuco: submitted, never decided
    not_certified: Decision  # Osorno: decided "not certified", published cohort
    pending: Decision  # Arica: Silver in an unpublished cohort
    registered: City  # Iquique: registered only


@pytest.fixture
def world(standard: None) -> World:
    call_command("import_history", verbosity=0)
    certified = decide("Valdivia", "CL", validated=31, level="gold", cohort="2026-08")
    not_certified = decide("Osorno", "CL", validated=10, level="", cohort="2026-08")
    publish_cohort(certified.cohort)
    pending = decide("Arica", "CL", validated=23, level="silver", cohort="2026-11")
    applicant = f.submitted_assessment("Temuco", "CL")
    registered = f.city("Iquique", "CL")
    return World(certified, applicant, not_certified, pending, registered)


#: Names of cities that must never appear on a public page or in public data.
HIDDEN = ("Temuco", "Osorno", "Arica", "Iquique")
