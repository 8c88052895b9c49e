"""An assessment's score: the one door to the scoring engine for assessments.

Two bases:
- *claimed*: what the city claims (its answers marked claimed, with the items ticked);
- *validated*: the claims the review found validated (`Answer.finding`), with the same items.

An assessment counts its claims until it is decided, its validated claims from then on
(`basis_of`). Pages, the API, the certification team's work, reports and peer comparisons all
score through `score` or `scores`; the outcome gate is the option the city chose.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.db.models import Q

from citycert.scoring import CriterionAnswer, ScoreResult
from citycert.scoring import score as engine_score
from citycert.standards.queries import scoring_spec

from .models import Answer, Assessment


class Basis(StrEnum):
    CLAIMED = "claimed"
    VALIDATED = "validated"


def basis_of(assessment: Assessment) -> Basis:
    """The basis that counts for the assessment now: validated once decided."""
    return Basis.VALIDATED if assessment.is_decided else Basis.CLAIMED


def answers_of(
    assessments: Iterable[Assessment], basis: Basis | None = None
) -> dict[int, dict[str, CriterionAnswer]]:
    """The answers that count, per assessment, as the engine takes them (one query). Without a
    `basis`, each assessment's own (`basis_of`)."""
    chosen = {a.pk: basis or basis_of(a) for a in assessments}
    found: dict[int, dict[str, CriterionAnswer]] = {pk: {} for pk in chosen}
    if not chosen:
        return found
    validated = [pk for pk, b in chosen.items() if b is Basis.VALIDATED]
    claimed = [pk for pk, b in chosen.items() if b is Basis.CLAIMED]
    rows = Answer.objects.filter(
        Q(assessment_id__in=claimed) | Q(assessment_id__in=validated, finding="validated"),
        status=Answer.Status.CLAIMED,
    ).values_list("assessment_id", "criterion__code", "items")
    for assessment_id, code, items in rows:
        found[assessment_id][code] = CriterionAnswer(frozenset(items))
    return found


def outcome_of(assessment: Assessment) -> list[str]:
    """The outcome option the city shows it meets, as the engine takes it."""
    option = assessment.outcome_option
    return [option.code] if option is not None else []


def score(assessment: Assessment, basis: Basis | None = None) -> ScoreResult:
    """The engine's result for one assessment on `basis` (by default the one that counts)."""
    return scores([assessment], basis)[assessment.pk]


def scores(assessments: Iterable[Assessment], basis: Basis | None = None) -> dict[int, ScoreResult]:
    """`score` for several assessments: one query for their answers (the standard versions'
    specs are cached per load). Select `standard` and `outcome_option` with them."""
    assessments = list(assessments)
    answers = answers_of(assessments, basis)
    return {
        a.pk: engine_score(scoring_spec(a.standard), answers[a.pk], outcome_of(a))
        for a in assessments
    }
