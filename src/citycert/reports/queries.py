"""The customised report: what a city does well, what to do next, and how it compares.

Everything here is read from the scoring engine's results; nothing re-implements its rules.
- An assessment counts its claimed answers while in progress, submitted or in review, and the
  validated ones once decided (the criteria that counted in the decision).
- A data snapshot is an estimate: the criteria behind each question answered "fully in place"
  count as met, the rest as not met; the outcome gate is not asked there, so the level shown is
  the level by points alone.
- Opportunities are the criteria not earned, ordered by how much each moves the city toward its
  next level: first the roadmap's criteria for that level (prerequisites before the criteria
  that need them), then the rest by the points each would add on its own now (an engine score
  with that criterion met), fewest unmet prerequisites first, fewest checklist items left first.
- The roadmap is the engine's plan to the next level (`plan_to_level`), then its plan to the
  level after, counted from the point where the first step is done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from citycert.assessments import scores
from citycert.assessments import services as assessment_services
from citycert.assessments import snapshot as snapshots
from citycert.assessments.models import Answer, Assessment, Dated, Snapshot
from citycert.cities.models import City
from citycert.scoring import CriterionAnswer, ScoreResult, StandardSpec, plan_to_level, score
from citycert.standards.models import ChecklistItem, Criterion, StandardVersion
from citycert.standards.queries import scoring_spec
from citycert.texts import localize

from . import peers

Kind = Literal["assessment", "snapshot"]
Texts = Mapping[str, str | None]


@dataclass(frozen=True)
class Subject:
    """What a report is about: one assessment, or one data snapshot kept for the city."""

    kind: Kind
    city: City
    standard: StandardVersion
    assessment: Assessment | None = None
    snapshot: Snapshot | None = None

    @property
    def pk(self) -> Any:
        return self.assessment.pk if self.assessment else self.snapshot.pk  # type: ignore[union-attr]

    @property
    def dated(self) -> Dated:
        """The date the report shows, the same as the list of reports shows."""
        if self.assessment is not None:
            return self.assessment.dated
        return self.snapshot.dated  # type: ignore[union-attr]

    @property
    def state(self) -> str:
        if self.assessment is not None:
            return str(self.assessment.get_state_display())
        return _("Data snapshot (an estimate)")

    @property
    def basis(self) -> str:
        """Which answers the report counts: "claimed", "validated" or "estimate"."""
        if self.assessment is None:
            return "estimate"
        return str(scores.basis_of(self.assessment))


@dataclass(frozen=True)
class Line:
    """One criterion as the report shows it."""

    code: str
    area: str
    title: Texts
    statement: Texts
    guidance: Texts
    documents: tuple[Texts, ...]
    items_left: tuple[Texts, ...]  # checklist items not ticked yet (for criteria not met)
    items_needed: int  # how many more checklist items satisfy the criterion
    gain: int = 0  # points toward the next level if this criterion alone were met now
    waiting_on: tuple[str, ...] = ()  # prerequisites not met yet
    blocked: bool = False  # satisfied, but waiting on a prerequisite
    in_next_step: bool = False  # part of the roadmap's first step

    def untranslated(self) -> bool:
        """Whether any of its longer texts falls back to English in the active language."""
        texts = [self.statement, self.guidance, *self.items_left, *self.documents]
        return any(localize(t).is_fallback for t in texts if t)


@dataclass(frozen=True)
class AreaLine:
    code: str
    name: Texts
    points: int
    possible: int
    peer: peers.PeerArea | None = None

    @property
    def percent(self) -> float:
        return round(100 * self.points / self.possible, 1) if self.possible else 0.0


@dataclass(frozen=True)
class Threshold:
    level: str
    min_percent: float
    points_needed: int


@dataclass(frozen=True)
class Step:
    """The fewest criteria that reach `level` (after the steps before it); None: unreachable."""

    level: str
    criteria: tuple[Line, ...] | None
    outcome_needed: bool  # the outcome gate must be passed too


@dataclass(frozen=True)
class Change:
    code: str
    title: Texts


@dataclass(frozen=True)
class YearOverYear:
    previous: Dated
    previous_standard: StandardVersion
    gained: tuple[Change, ...]
    lost: tuple[Change, ...]
    not_comparable: int  # earlier criteria with no counterpart in this version


@dataclass(frozen=True)
class Report:
    subject: Subject
    result: ScoreResult
    level: str | None  # the level shown (by points alone for a snapshot)
    thresholds: tuple[Threshold, ...]
    areas: tuple[AreaLine, ...]
    strengths: tuple[tuple[AreaLine, tuple[Line, ...]], ...]
    opportunities: tuple[Line, ...]
    roadmap: tuple[Step, ...]
    peers: peers.PeerComparison
    year_over_year: YearOverYear | None
    outcome_option: Texts | None = None
    area_names: dict[str, Texts] = field(default_factory=dict)

    @property
    def points_level(self) -> str | None:
        return self.result.points_level

    @property
    def gate_missing(self) -> bool:
        """The points reach a level but the outcome gate is not passed (assessments only)."""
        return self.subject.kind == "assessment" and not self.result.outcome_gate_met

    @property
    def silver_gap(self) -> int | None:
        """Criteria still needed for Silver, while the points reach no level."""
        if self.points_level is not None or not self.roadmap or self.roadmap[0].criteria is None:
            return None
        return len(self.roadmap[0].criteria)


# Answers ---------------------------------------------------------------------------------


def assessment_answers(assessment: Assessment) -> dict[str, CriterionAnswer]:
    """The answers that count: validated once decided, claimed before."""
    return scores.answers_of([assessment])[assessment.pk]


def snapshot_answers(taken: Snapshot, spec: StandardSpec) -> dict[str, CriterionAnswer]:
    """The snapshot as an estimate: the criteria of questions answered "fully in place" are met."""
    questionnaire = snapshots.questionnaire(taken.questionnaire)
    met: dict[str, CriterionAnswer] = {}
    for question in questionnaire.questions:
        if taken.answers.get(question.key) == snapshots.TOP:
            for code in question.criteria:
                if code in spec.by_code:
                    met[code] = CriterionAnswer(spec.item_sets[code])
    return met


def _outcome(subject: Subject) -> list[str]:
    if subject.assessment is not None and subject.assessment.outcome_option is not None:
        return [subject.assessment.outcome_option.code]
    return []


def _answers(subject: Subject, spec: StandardSpec) -> dict[str, CriterionAnswer]:
    if subject.assessment is not None:
        return assessment_answers(subject.assessment)
    return snapshot_answers(subject.snapshot, spec)  # type: ignore[arg-type]


# Subjects --------------------------------------------------------------------------------


def assessment_subject(city: City, pk: int) -> Subject | None:
    assessment = (
        Assessment.objects.select_related("standard", "outcome_option")
        .filter(city=city, pk=pk)
        .first()
    )
    if assessment is None:
        return None
    return Subject("assessment", city, assessment.standard, assessment=assessment)


def snapshot_subject(city: City, pk: Any) -> Subject | None:
    taken = Snapshot.objects.filter(city=city, pk=pk).first()
    if taken is None:
        return None
    code = snapshots.questionnaire(taken.questionnaire).standard
    standard = StandardVersion.objects.filter(code=code).first()
    if standard is None:
        return None
    return Subject("snapshot", city, standard, snapshot=taken)


def subjects(city: City) -> tuple[list[Assessment], list[Snapshot]]:
    """Everything the city has a report for: its assessments and kept snapshots, newest first."""
    return (
        list(city.assessments.select_related("standard").order_by("-created_at")),
        list(city.snapshots.order_by("-created_at")),
    )


# The report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionTexts:
    """What the report shows of a criterion: the version's texts, read once per load."""

    code: str
    area: str
    title: Texts
    statement: Texts
    guidance: Texts
    documents: tuple[Texts, ...]
    items: tuple[tuple[str, Texts], ...]  # (key, text), in order


@dataclass(frozen=True)
class StandardTexts:
    criteria: dict[str, CriterionTexts]
    area_names: dict[str, Texts]


_texts: dict[tuple[int, str], StandardTexts] = {}


def standard_texts(standard: StandardVersion) -> StandardTexts:
    """The version's criteria and area names, cached per load of the version (as the engine's
    spec is): they change only when the Standard is loaded again."""
    key = (standard.pk, standard.loaded_at.isoformat())
    found = _texts.get(key)
    if found is None:
        criteria = {
            c.code: CriterionTexts(
                code=c.code,
                area=c.area.code,
                title=c.title,
                statement=c.statement,
                guidance=c.guidance,
                documents=tuple(d.text for d in c.required_documents.all()),
                items=tuple((i.key, i.text) for i in c.checklist_items.all()),
            )
            for c in Criterion.objects.filter(version=standard)
            .select_related("area")
            .prefetch_related(
                "required_documents",
                Prefetch("checklist_items", ChecklistItem.objects.order_by("position")),
            )
            .order_by("position")
        }
        areas = dict(standard.practice_areas.values_list("code", "name"))
        found = _texts[key] = StandardTexts(criteria, areas)
    return found


def _ticked(subject: Subject, answers: Mapping[str, CriterionAnswer]) -> dict[str, frozenset[str]]:
    """Checklist items the city ticked, per criterion (what it claims, whatever was validated)."""
    if subject.assessment is None:
        return {}
    if subject.assessment.state != Assessment.State.DECIDED:
        return {code: answer.items for code, answer in answers.items()}
    return {
        code: frozenset(items)
        for code, items in subject.assessment.answers.filter(
            status=Answer.Status.CLAIMED
        ).values_list("criterion__code", "items")
    }


def _line(
    criterion: CriterionTexts,
    spec: StandardSpec,
    ticked: frozenset[str],
    answer: CriterionAnswer | None,
    **extra: Any,
) -> Line:
    counted = answer.items if answer is not None else frozenset()
    required = spec.by_code[criterion.code].required
    return Line(
        code=criterion.code,
        area=criterion.area,
        title=criterion.title,
        statement=criterion.statement,
        guidance=criterion.guidance,
        documents=criterion.documents,
        items_left=tuple(
            text for key, text in criterion.items if key not in counted and key not in ticked
        ),
        items_needed=max(required - len(counted), 0),
        **extra,
    )


def _level_shown(subject: Subject, result: ScoreResult) -> str | None:
    return result.points_level if subject.kind == "snapshot" else result.level


def roadmap(
    spec: StandardSpec,
    answers: Mapping[str, CriterionAnswer],
    level: str | None,
    outcome_needed: bool,
    steps: int = 2,
) -> list[tuple[str, tuple[str, ...] | None, bool]]:
    """The engine's plans to the next `steps` levels above `level`, one after the other:
    (level, criteria or None when out of reach, whether the outcome gate is still needed)."""
    names = [t.level for t in spec.levels]
    start = names.index(level) + 1 if level is not None else 0
    current = dict(answers)
    found: list[tuple[str, tuple[str, ...] | None, bool]] = []
    for target in names[start : start + steps]:
        plan = plan_to_level(spec, current, target)
        found.append((target, plan.criteria, outcome_needed))
        if plan.criteria is None:
            break
        for code in plan.criteria:
            current[code] = CriterionAnswer(spec.item_sets[code])
    return found


def _gain(
    spec: StandardSpec,
    answers: Mapping[str, CriterionAnswer],
    outcome: list[str],
    points: int,
    code: str,
) -> int:
    """The points `code` would add now, on its own (the engine's score with it met)."""
    trial = {**answers, code: CriterionAnswer(spec.item_sets[code])}
    return score(spec, trial, outcome).points - points


def year_over_year(subject: Subject, earned: Iterable[str]) -> YearOverYear | None:
    """Criteria gained and lost since the city's previous assessment (or snapshot)."""
    previous: Assessment | Snapshot | None
    if subject.assessment is not None:
        previous = (
            Assessment.objects.filter(
                city=subject.city, created_at__lt=subject.assessment.created_at
            )
            .exclude(pk=subject.assessment.pk)
            .select_related("standard", "outcome_option")
            .order_by("-created_at")
            .first()
        )
        if previous is None:
            return None
        old_standard = previous.standard
        old_spec = scoring_spec(old_standard)
        old_answers = assessment_answers(previous)
        outcome = [previous.outcome_option.code] if previous.outcome_option else []
    elif subject.snapshot is not None:
        previous = (
            Snapshot.objects.filter(city=subject.city, created_at__lt=subject.snapshot.created_at)
            .order_by("-created_at")
            .first()
        )
        if previous is None:
            return None
        old_standard, old_spec = subject.standard, scoring_spec(subject.standard)
        old_answers, outcome = snapshot_answers(previous, old_spec), []
    else:
        return None
    old_earned = set(
        (
            scores.score(previous)
            if isinstance(previous, Assessment)
            else score(old_spec, old_answers, outcome)
        ).earned
    )
    if old_standard.pk == subject.standard.pk:
        mapped, not_comparable = old_earned, 0
    else:
        mapping = assessment_services.crosswalk(old_standard.code, subject.standard.code)
        mapped = {mapping[c] for c in old_earned if c in mapping}
        not_comparable = len([c for c in old_earned if c not in mapping])
    now = set(earned)
    gained, lost = now - mapped, mapped - now
    known = standard_texts(subject.standard).criteria
    titles = {code: known[code].title for code in gained | lost if code in known}
    order = scoring_spec(subject.standard).order

    def changes(codes: set[str]) -> tuple[Change, ...]:
        return tuple(Change(c, titles.get(c, {})) for c in sorted(codes, key=order.index))

    return YearOverYear(
        previous.dated, old_standard, changes(gained), changes(lost), not_comparable
    )


def build(subject: Subject) -> Report:
    """The whole report for `subject`."""
    spec = scoring_spec(subject.standard)
    answers = _answers(subject, spec)
    outcome = _outcome(subject)
    result = (
        scores.score(subject.assessment)
        if subject.assessment is not None
        else score(spec, answers, outcome)
    )
    level = _level_shown(subject, result)
    texts = standard_texts(subject.standard)
    criteria = texts.criteria
    ticked = _ticked(subject, answers)
    area_names = texts.area_names

    comparison = peers.compare(subject.city, subject.standard, spec)
    areas = tuple(
        AreaLine(
            code,
            area_names.get(code, {}),
            area.points,
            area.possible,
            (comparison.areas or {}).get(code) if comparison.shown else None,
        )
        for code, area in result.areas.items()
    )
    by_area = {a.code: a for a in areas}
    earned = set(result.earned)
    blocked = set(result.blocked)
    not_applicable = set(result.not_applicable)

    strengths = tuple(
        (
            by_area[code],
            tuple(
                _line(criteria[c.code], spec, ticked.get(c.code, frozenset()), answers.get(c.code))
                for c in spec.criteria
                if c.area == code and c.code in earned and c.code in criteria
            ),
        )
        for code in spec.areas
        if any(c.area == code and c.code in earned for c in spec.criteria)
    )

    # The roadmap counts from the level the points reach; a gate still to pass is flagged.
    gate_needed = subject.kind == "assessment" and not result.outcome_gate_met
    plans = roadmap(spec, answers, result.points_level, gate_needed)
    first_step = (plans[0][1] or ()) if plans else ()
    plan_rank = {code: i for i, code in enumerate(first_step)}

    open_codes = [
        c.code
        for c in spec.criteria
        if c.code not in earned and c.code not in not_applicable and c.code in criteria
    ]
    lines: dict[str, Line] = {}
    for code in open_codes:
        satisfied_or_na = earned | blocked | not_applicable
        lines[code] = _line(
            criteria[code],
            spec,
            ticked.get(code, frozenset()),
            answers.get(code),
            gain=_gain(spec, answers, outcome, result.points, code),
            waiting_on=tuple(
                a for a in spec.order if a in spec.ancestors[code] and a not in satisfied_or_na
            ),
            blocked=code in blocked,
            in_next_step=code in plan_rank,
        )
    position = {c.code: i for i, c in enumerate(spec.criteria)}
    opportunities = tuple(
        sorted(
            lines.values(),
            key=lambda line: (
                0 if line.in_next_step else 1,
                plan_rank.get(line.code, 0),
                -line.gain,
                len(line.waiting_on),
                line.items_needed,
                position[line.code],
            ),
        )
    )
    steps = tuple(
        Step(
            target,
            None
            if codes is None
            else tuple(
                lines.get(code)
                or _line(criteria[code], spec, ticked.get(code, frozenset()), answers.get(code))
                for code in codes
            ),
            needs_gate,
        )
        for target, codes, needs_gate in plans
    )
    thresholds = tuple(
        Threshold(t.level, float(t.min_percent), t.points_needed(result.possible))
        for t in spec.levels
    )
    option = subject.assessment.outcome_option if subject.assessment is not None else None
    return Report(
        subject=subject,
        result=result,
        level=level,
        thresholds=thresholds,
        areas=areas,
        strengths=strengths,
        opportunities=opportunities,
        roadmap=steps,
        peers=comparison,
        year_over_year=year_over_year(subject, result.earned),
        outcome_option=option.title if option is not None else None,
        area_names=area_names,
    )
