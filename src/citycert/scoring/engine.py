"""Score a city's answers against a standard spec: points, level, areas, the way to the next level.

Rules, as the program states them:
- A criterion is *satisfied* when at least `required` of its checklist items are met.
- It *earns* its point only when it is satisfied and every prerequisite is earned or not applicable.
  A satisfied criterion held back by a prerequisite is *blocked*.
- A criterion marked not applicable (where the standard allows it) leaves the possible points.
- The level is the highest whose threshold the share of points reaches, and, where the version has
  an outcome gate, only when at least one outcome option is met.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from .spec import LevelThreshold, StandardSpec

#: Beyond this many blocked criteria the plan to the next level is found greedily, not exhaustively.
EXACT_PLAN_LIMIT = 12


class AnswerError(ValueError):
    """Answers that do not fit the spec: an unknown code, item or outcome option."""


@dataclass(frozen=True, slots=True)
class CriterionAnswer:
    """What a city claims for one criterion: the checklist items it meets, or not applicable."""

    items: frozenset[str] = frozenset()
    not_applicable: bool = False


@dataclass(frozen=True, slots=True)
class AreaScore:
    points: int
    possible: int


@dataclass(frozen=True, slots=True)
class Plan:
    """The fewest further criteria that reach `level`; `criteria` is None when they cannot."""

    level: str
    criteria: tuple[str, ...] | None

    @property
    def size(self) -> int | None:
        return None if self.criteria is None else len(self.criteria)


@dataclass(frozen=True, slots=True)
class ScoreResult:
    version: str
    points: int
    possible: int
    level: str | None
    points_level: str | None
    areas: dict[str, AreaScore]
    earned: tuple[str, ...]
    blocked: tuple[str, ...]
    not_applicable: tuple[str, ...]
    outcome_required: bool
    outcome_met: tuple[str, ...]
    next_level: str | None
    plan: Plan | None

    @property
    def percent(self) -> float:
        return round(100 * self.points / self.possible, 1) if self.possible else 0.0

    @property
    def outcome_gate_met(self) -> bool:
        return bool(self.outcome_met) or not self.outcome_required

    @property
    def gap(self) -> int | None:
        return self.plan.size if self.plan is not None else None

    def as_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data (the `citycert score` output)."""
        return {
            "standard": self.version,
            "level": self.level,
            "points_level": self.points_level,
            "points": self.points,
            "possible": self.possible,
            "percent": self.percent,
            "areas": {
                code: {"points": a.points, "possible": a.possible} for code, a in self.areas.items()
            },
            "earned": list(self.earned),
            "blocked": list(self.blocked),
            "not_applicable": list(self.not_applicable),
            "outcome_gate": {
                "required": self.outcome_required,
                "met": self.outcome_gate_met,
                "options_met": list(self.outcome_met),
            },
            "next_level": self.next_level,
            "gap": self.gap,
            "gap_criteria": (
                list(self.plan.criteria)
                if self.plan is not None and self.plan.criteria is not None
                else None
            ),
        }


def answers_from_codes(
    spec: StandardSpec, met: Iterable[str], not_applicable: Iterable[str] = ()
) -> dict[str, CriterionAnswer]:
    """Answers in which each criterion in `met` has every checklist item ticked."""
    answers: dict[str, CriterionAnswer] = {}
    unknown = []
    for code in met:
        if code not in spec.by_code:
            unknown.append(code)
            continue
        answers[code] = CriterionAnswer(items=spec.item_sets[code])
    for code in not_applicable:
        if code not in spec.by_code:
            unknown.append(code)
            continue
        answers[code] = CriterionAnswer(not_applicable=True)
    if unknown:
        raise AnswerError(
            f"unknown criteria for standard {spec.version}: " + ", ".join(sorted(set(unknown)))
        )
    return answers


def level_for(points: int, possible: int, levels: Iterable[LevelThreshold]) -> str | None:
    """The highest level whose threshold `points` out of `possible` reach, or None."""
    reached = None
    for threshold in levels:
        if possible and points >= threshold.points_needed(possible):
            reached = threshold.level
        else:
            break
    return reached


def score(
    spec: StandardSpec,
    answers: Mapping[str, CriterionAnswer],
    outcome: Iterable[str] = (),
) -> ScoreResult:
    """Score `answers` (criterion code -> answer; missing codes are not met) against `spec`."""
    by_code = spec.by_code
    for code in answers:
        if code not in by_code:
            raise AnswerError(f"unknown criterion {code!r} for standard {spec.version}")
    outcome_met = tuple(sorted(set(outcome)))
    for option in outcome_met:
        if option not in spec.outcome_options:
            raise AnswerError(
                f"unknown outcome option {option!r}; expected one of: "
                + ", ".join(spec.outcome_options)
            )

    satisfied, not_applicable, missing = _tally(spec, answers)

    earned = _earned(spec, satisfied, not_applicable)

    area_points = dict.fromkeys(spec.areas, 0)
    area_possible = dict.fromkeys(spec.areas, 0)
    earned_codes: list[str] = []
    blocked_codes: list[str] = []
    na_codes: list[str] = []
    for code, area, _, _, _ in spec.rows:
        if code in not_applicable:
            na_codes.append(code)
            continue
        area_possible[area] += 1
        if code in earned:
            area_points[area] += 1
            earned_codes.append(code)
        elif code in satisfied:
            blocked_codes.append(code)

    points = len(earned)
    possible = spec.total - len(not_applicable)
    points_level = level_for(points, possible, spec.levels)
    gate_met = bool(outcome_met) or not spec.outcome_required
    level = points_level if gate_met else None

    next_index = 0 if level is None else [t.level for t in spec.levels].index(level) + 1
    plan = None
    next_level = None
    if next_index < len(spec.levels):
        target = spec.levels[next_index]
        next_level = target.level
        plan = _plan(spec, target, possible, points, satisfied, not_applicable, missing)

    return ScoreResult(
        version=spec.version,
        points=points,
        possible=possible,
        level=level,
        points_level=points_level,
        areas={code: AreaScore(area_points[code], area_possible[code]) for code in spec.areas},
        earned=tuple(earned_codes),
        blocked=tuple(blocked_codes),
        not_applicable=tuple(na_codes),
        outcome_required=spec.outcome_required,
        outcome_met=outcome_met,
        next_level=next_level,
        plan=plan,
    )


def plan_to_level(
    spec: StandardSpec,
    answers: Mapping[str, CriterionAnswer],
    level: str,
) -> Plan:
    """The fewest further criteria to satisfy for the points of `level` (the roadmap's steps)."""
    thresholds = {t.level: t for t in spec.levels}
    if level not in thresholds:
        raise AnswerError(f"standard {spec.version} has no level {level!r}")
    satisfied, not_applicable, missing = _tally(spec, answers)
    points = len(_earned(spec, satisfied, not_applicable))
    possible = spec.total - len(not_applicable)
    return _plan(spec, thresholds[level], possible, points, satisfied, not_applicable, missing)


def _earned(spec: StandardSpec, satisfied: set[str], not_applicable: set[str]) -> set[str]:
    """The satisfied criteria whose prerequisites are all satisfied or not applicable."""
    if not spec.has_prerequisites:
        return satisfied
    return {
        code
        for code in satisfied
        if all(p in satisfied or p in not_applicable for p in spec.ancestors[code])
    }


def _plan(
    spec: StandardSpec,
    target: LevelThreshold,
    possible: int,
    points: int,
    satisfied: set[str],
    not_applicable: set[str],
    missing: Mapping[str, int],
) -> Plan:
    if not possible:  # every criterion not applicable: there is nothing to certify
        return Plan(target.level, None)
    needed = target.points_needed(possible) - points
    return Plan(target.level, plan_points(spec, satisfied, not_applicable, missing, needed))


def _tally(
    spec: StandardSpec, answers: Mapping[str, CriterionAnswer]
) -> tuple[set[str], set[str], dict[str, int]]:
    """Satisfied criteria, not-applicable criteria, and checklist items still missing per
    unsatisfied criterion."""
    satisfied: set[str] = set()
    not_applicable: set[str] = set()
    missing: dict[str, int] = {}
    get = answers.get
    for code, _, item_set, required, na_allowed in spec.rows:
        answer = get(code)
        if answer is None:
            missing[code] = required
            continue
        if answer.not_applicable:
            if not na_allowed:
                raise AnswerError(f"{code} cannot be marked not applicable")
            not_applicable.add(code)
            continue
        items = answer.items
        if not items <= item_set:
            unknown = ", ".join(sorted(items - item_set))
            raise AnswerError(f"{code} has no checklist item {unknown}")
        if len(items) >= required:
            satisfied.add(code)
        else:
            missing[code] = required - len(items)
    return satisfied, not_applicable, missing


def plan_points(
    spec: StandardSpec,
    satisfied: set[str],
    not_applicable: set[str],
    missing: Mapping[str, int],
    needed: int,
) -> tuple[str, ...] | None:
    """The fewest unsatisfied criteria whose satisfaction earns `needed` more points.

    Satisfying a criterion earns its point once all its unsatisfied prerequisites are satisfied
    too, and may release blocked criteria that were waiting on it. Any useful set is therefore a
    union of prerequisite closures; the cost of releasing a subset of the blocked criteria is the
    size of their closures' union, and the rest is filled one criterion at a time, those with the
    fewest checklist items left first. Exhaustive over subsets of blocked criteria up to
    EXACT_PLAN_LIMIT of them (in practice there are a handful), greedy beyond.
    Returns None when the listed criteria cannot reach `needed`.
    """
    if needed <= 0:
        return ()
    candidates = [c.code for c in spec.criteria if c.code in missing]
    rank = {code: (missing[code], i) for i, code in enumerate(candidates)}
    if not spec.has_prerequisites:
        if needed > len(candidates):
            return None
        return tuple(sorted(candidates, key=rank.__getitem__)[:needed])

    unsatisfied = set(candidates)

    def closure(code: str) -> frozenset[str]:
        return frozenset(a for a in spec.ancestors[code] if a in unsatisfied)

    blocked = [
        c.code
        for c in spec.criteria
        if c.code in satisfied
        and any(a not in satisfied and a not in not_applicable for a in spec.ancestors[c.code])
    ]
    requirements = {b: closure(b) for b in blocked}

    def released(base: set[str]) -> int:
        return sum(1 for b in blocked if requirements[b] <= base)

    def fill(base: set[str]) -> list[str] | None:
        """Grow `base` one criterion at a time until it earns `needed` points."""
        chosen = set(base)
        while len(chosen) + released(chosen) < needed:
            ready = [c for c in unsatisfied - chosen if closure(c) <= chosen]
            if not ready:
                return None
            chosen.add(min(ready, key=rank.__getitem__))
        return sorted(chosen, key=lambda code: (len(spec.ancestors[code]), rank[code]))

    best: list[str] | None = None
    if len(blocked) <= EXACT_PLAN_LIMIT:
        subsets: Iterable[tuple[str, ...]] = (
            subset for size in range(len(blocked) + 1) for subset in combinations(blocked, size)
        )
    else:  # release the cheapest blocked criteria first
        by_cost = sorted(blocked, key=lambda b: len(requirements[b]))
        subsets = (tuple(by_cost[:size]) for size in range(len(by_cost) + 1))
    for subset in subsets:
        base: set[str] = set()
        for b in subset:
            base |= requirements[b]
        if best is not None and len(base) >= len(best):
            continue
        plan = fill(base)
        if plan is not None and (best is None or len(plan) < len(best)):
            best = plan
    return None if best is None else tuple(best)
