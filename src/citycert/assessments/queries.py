"""Reads about one assessment that pages put together: how far the city has come, practice
area by practice area and person by person, and where a criterion sits in the Standard's
order. Writes live in `services`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from citycert.accounts.models import User
from citycert.scoring import ScoreResult

from . import scores
from .models import Answer, Assessment


@dataclass(frozen=True)
class AreaProgress:
    code: str
    name: Any  # the practice area's name, per language
    total: int
    answered: int
    claimed: int


@dataclass(frozen=True)
class PersonProgress:
    person: Any  # the User
    assigned: int
    answered: int


@dataclass(frozen=True)
class Progress:
    """How far an assessment has come: per practice area, per person, and the level its
    claims would reach (scored on the claimed basis, whatever its state)."""

    assessment: Assessment
    areas: list[AreaProgress]
    people: list[PersonProgress]
    unassigned: int
    unassigned_answered: int
    carried_forward: int  # answered with last assessment's answer, not confirmed yet
    claimed_result: ScoreResult

    @property
    def total(self) -> int:
        return sum(a.total for a in self.areas)

    @property
    def answered(self) -> int:
        return sum(a.answered for a in self.areas)

    @property
    def claimed(self) -> int:
        return sum(a.claimed for a in self.areas)

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    def unanswered_by(self, user_id: int | None) -> int:
        """How many of the criteria assigned to this person are not answered yet."""
        found = next((p for p in self.people if p.person.pk == user_id), None)
        return found.assigned - found.answered if found else 0


def progress(assessment: Assessment) -> Progress:
    """The assessment's `Progress`, in a bounded number of queries (three, with the scoring:
    the answers with their people, the practice areas, the claims) whatever its size. Select
    `standard` and `outcome_option` with the assessment."""
    rows = list(
        assessment.answers.values_list(
            "status", "criterion__area_id", "assigned_to", "carried_forward"
        )
    )
    people: dict[int, list[int]] = {}
    area_counts: dict[int, list[int]] = {}
    unassigned = [0, 0]
    for status, area_id, person_id, _carried in rows:
        answered = status != Answer.Status.UNANSWERED
        counts = area_counts.setdefault(area_id, [0, 0, 0])
        counts[0] += 1
        counts[1] += answered
        counts[2] += status == Answer.Status.CLAIMED
        mine = people.setdefault(person_id, [0, 0]) if person_id else unassigned
        mine[0] += 1
        mine[1] += answered
    users = _users(people)
    areas = [
        AreaProgress(area.code, area.name, *area_counts[area.pk])
        for area in assessment.standard.practice_areas.order_by("position").only(
            "pk", "code", "name"
        )
        if area.pk in area_counts
    ]
    return Progress(
        assessment=assessment,
        areas=areas,
        people=sorted(
            (PersonProgress(users[pk], *counts) for pk, counts in people.items() if pk in users),
            key=lambda p: str(p.person).casefold(),
        ),
        unassigned=unassigned[0],
        unassigned_answered=unassigned[1],
        carried_forward=sum(1 for row in rows if row[3]),
        claimed_result=scores.score(assessment, scores.Basis.CLAIMED),
    )


def _users(ids: dict[int, Any]) -> dict[int, Any]:
    if not ids:
        return {}
    return {u.pk: u for u in User.objects.filter(pk__in=list(ids))}


@dataclass(frozen=True)
class Neighbours:
    """The criteria before and after one criterion, in the Standard's order (across practice
    areas), as (code, title) pairs or None at either end."""

    previous: tuple[str, Any] | None
    next: tuple[str, Any] | None


def neighbours(answer: Answer) -> Neighbours:
    """The criteria before and after `answer`'s in its assessment (two small queries)."""
    siblings = Answer.objects.filter(assessment_id=answer.assessment_id).values_list(
        "criterion__code", "criterion__title"
    )
    position = answer.criterion.position
    before = siblings.filter(criterion__position__lt=position).order_by("-criterion__position")
    after = siblings.filter(criterion__position__gt=position).order_by("criterion__position")
    return Neighbours(before.first(), after.first())
