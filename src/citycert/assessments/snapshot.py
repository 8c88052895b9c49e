"""The quick data snapshot: a short questionnaire (data/snapshot-*.yaml) and what its answers say.

The result is an estimate, not a score: a standing per practice area, a level band read against
the Standard's thresholds, and three first steps tied to the criteria they come from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from citycert.datafiles import load_mapping
from citycert.standards.definitions import Text, packaged

StrOrPromise = str | Promise

#: The answer scale every question uses.
SCALE: tuple[tuple[int, StrOrPromise], ...] = (
    (0, _("Not yet")),
    (1, _("Getting started")),
    (2, _("Partly in place")),
    (3, _("Fully in place")),
)
TOP = SCALE[-1][0]
FIRST_STEPS = 3


class SnapshotError(ValueError):
    """A questionnaire file that cannot be used, or answers that do not fit it."""


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z_]+$")
    area: str
    criteria: list[str] = Field(min_length=1)
    text: Text
    first_step: Text


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    standard: str
    questions: list[Question] = Field(min_length=10, max_length=15)

    @model_validator(mode="after")
    def _fits_the_standard(self) -> Questionnaire:
        keys = [q.key for q in self.questions]
        if len(set(keys)) != len(keys):
            raise ValueError("question keys are not unique")
        definition = packaged(self.standard)
        areas = {a.code for a in definition.practice_areas}
        codes = {c.code for _, c in definition.criteria}
        for q in self.questions:
            if q.area not in areas:
                raise ValueError(f"question {q.key}: unknown practice area {q.area}")
            unknown = sorted(set(q.criteria) - codes)
            if unknown:
                raise ValueError(f"question {q.key}: unknown criteria {', '.join(unknown)}")
        missing = sorted(areas - {q.area for q in self.questions})
        if missing:
            raise ValueError(f"no question covers practice areas {', '.join(missing)}")
        return self


@cache
def questionnaire(code: str = "snapshot-2022") -> Questionnaire:
    """The shipped questionnaire `code`, validated against its standard (read once)."""
    path = Path(str(resources.files("citycert.assessments") / "data" / f"{code}.yaml"))
    if not path.exists():
        raise SnapshotError(f"unknown questionnaire {code!r}")
    raw = load_mapping(path.read_text(encoding="utf-8"), path.name, SnapshotError)
    try:
        return Questionnaire.model_validate(raw)
    except ValidationError as exc:
        raise SnapshotError(f"{path.name}: {exc}") from None


@dataclass(frozen=True)
class AreaStanding:
    area: str
    percent: int
    label: str


@dataclass(frozen=True)
class FirstStep:
    question: Question
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class SnapshotResult:
    percent: int
    band: str | None  # the level the answers point to, or None below Silver
    areas: tuple[AreaStanding, ...]
    first_steps: tuple[FirstStep, ...]


def _standing(percent: int) -> str:
    if percent >= 85:
        return str(_("Well established"))
    if percent >= 50:
        return str(_("Partly in place"))
    if percent > 0:
        return str(_("Getting started"))
    return str(_("Not started yet"))


def evaluate(q: Questionnaire, answers: dict[str, int]) -> SnapshotResult:
    """What the answers (question key -> scale value, every question answered) suggest."""
    missing = [question.key for question in q.questions if question.key not in answers]
    if missing or any(v not in dict(SCALE) for v in answers.values()):
        raise SnapshotError("every question needs one of the answers offered")
    by_area: dict[str, list[int]] = {}
    for question in q.questions:
        by_area.setdefault(question.area, []).append(answers[question.key])
    areas = tuple(
        AreaStanding(area, pct, _standing(pct))
        for area, values in by_area.items()
        for pct in [round(100 * sum(values) / (TOP * len(values)))]
    )
    total = sum(answers[question.key] for question in q.questions)
    percent = round(100 * total / (TOP * len(q.questions)))
    band = None
    for level in packaged(q.standard).levels:
        if Decimal(percent) >= level.min_percent:
            band = level.level
    weakest = sorted(
        (question for question in q.questions if answers[question.key] < TOP),
        key=lambda question: answers[question.key],
    )[:FIRST_STEPS]
    steps = tuple(FirstStep(question, tuple(question.criteria)) for question in weakest)
    return SnapshotResult(percent, band, areas, steps)
