"""What a Standard asks, in the shape the scoring engine needs.

A `StandardSpec` is built once per standard version (from the YAML definition or the database) and
reused for every assessment scored against it, so everything that does not depend on a city's
answers is worked out here, in the constructor: indexes, the prerequisite order, exact thresholds.
The constructor also refuses a spec that could not be scored (duplicate codes, unknown or cyclic
prerequisites, thresholds that do not increase) with a `SpecError` naming the criterion and field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from graphlib import CycleError, TopologicalSorter

#: The certification levels, lowest first. A spec may use a prefix of them, never another order.
LEVELS: tuple[str, ...] = ("silver", "gold", "platinum")


class SpecError(ValueError):
    """A standard spec that cannot be scored. `criterion` and `field` say where, when known."""

    def __init__(self, message: str, *, criterion: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.criterion = criterion
        self.field = field


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    """One criterion: worth one point when `required` of its checklist `items` are met and every
    prerequisite is earned (or not applicable)."""

    code: str
    area: str
    items: tuple[str, ...]
    required: int
    prerequisites: tuple[str, ...] = ()
    not_applicable_allowed: bool = False


@dataclass(frozen=True, slots=True)
class LevelThreshold:
    """A level and the least share of applicable criteria (in percent) that reaches it."""

    level: str
    min_percent: Fraction

    def points_needed(self, possible: int) -> int:
        """The fewest points out of `possible` that reach this level (exact, no rounding error)."""
        # ceil(min_percent * possible / 100) in integers.
        numerator = self.min_percent.numerator * possible
        denominator = self.min_percent.denominator * 100
        return -(-numerator // denominator)


@dataclass(frozen=True)
class StandardSpec:
    """A standard version as the scoring engine sees it.

    `criteria_count` is the number of criteria the version has in all; it may exceed the criteria
    listed when some of a retired version's criteria are not known. Unlisted criteria count as
    possible points that no answer can earn.
    """

    version: str
    areas: tuple[str, ...]
    criteria: tuple[CriterionSpec, ...]
    levels: tuple[LevelThreshold, ...]
    outcome_options: tuple[str, ...] = ()
    outcome_required: bool = False
    criteria_count: int | None = None

    # Derived in __post_init__.
    by_code: dict[str, CriterionSpec] = field(init=False, repr=False, compare=False)
    item_sets: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    # (code, area, item set, required, N/A allowed) per criterion, for the scoring loop.
    rows: tuple[tuple[str, str, frozenset[str], int, bool], ...] = field(
        init=False, repr=False, compare=False
    )
    order: tuple[str, ...] = field(init=False, repr=False, compare=False)
    ancestors: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    has_prerequisites: bool = field(init=False, repr=False, compare=False)
    total: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen dataclass: derived fields are set once, here.
        by_code: dict[str, CriterionSpec] = {}
        areas = set(self.areas)
        if len(areas) != len(self.areas):
            raise SpecError("practice area codes are not unique", field="areas")
        for criterion in self.criteria:
            if criterion.code in by_code:
                raise SpecError(
                    f"criterion code {criterion.code} appears more than once",
                    criterion=criterion.code,
                    field="code",
                )
            if criterion.area not in areas:
                raise SpecError(
                    f"unknown practice area {criterion.area!r}",
                    criterion=criterion.code,
                    field="area",
                )
            if len(set(criterion.items)) != len(criterion.items):
                raise SpecError(
                    "checklist item keys are not unique", criterion=criterion.code, field="items"
                )
            if not 0 <= criterion.required <= len(criterion.items):
                raise SpecError(
                    f"required must be between 0 and {len(criterion.items)} "
                    f"(the number of checklist items), not {criterion.required}",
                    criterion=criterion.code,
                    field="required",
                )
            by_code[criterion.code] = criterion
        for criterion in self.criteria:
            for prerequisite in criterion.prerequisites:
                if prerequisite not in by_code:
                    raise SpecError(
                        f"unknown prerequisite {prerequisite!r}",
                        criterion=criterion.code,
                        field="prerequisites",
                    )
                if prerequisite == criterion.code:
                    raise SpecError(
                        "a criterion cannot be its own prerequisite",
                        criterion=criterion.code,
                        field="prerequisites",
                    )
        sorter = TopologicalSorter({c.code: c.prerequisites for c in self.criteria})
        try:
            order = tuple(sorter.static_order())
        except CycleError as exc:
            cycle = list(exc.args[1])
            raise SpecError(
                "prerequisites form a cycle: " + " -> ".join(cycle),
                criterion=cycle[0],
                field="prerequisites",
            ) from None
        ancestors: dict[str, frozenset[str]] = {}
        for code in order:  # prerequisites come before the criteria that need them
            direct = by_code[code].prerequisites
            found: set[str] = set(direct)
            for prerequisite in direct:
                found |= ancestors[prerequisite]
            ancestors[code] = frozenset(found)

        names = [t.level for t in self.levels]
        if names != list(LEVELS[: len(names)]):
            raise SpecError(
                "levels must be " + ", ".join(LEVELS[: max(len(names), 1)]) + " in that order",
                field="levels",
            )
        previous = Fraction(0)
        for threshold in self.levels:
            if not 0 < threshold.min_percent <= 100:
                raise SpecError(
                    f"{threshold.level}: min_percent must be above 0 and at most 100",
                    field="levels",
                )
            if threshold.min_percent <= previous:
                raise SpecError(
                    f"{threshold.level}: thresholds must increase from one level to the next",
                    field="levels",
                )
            previous = threshold.min_percent

        if len(set(self.outcome_options)) != len(self.outcome_options):
            raise SpecError("outcome option codes are not unique", field="outcome_options")
        if self.outcome_required and not self.outcome_options:
            raise SpecError("an outcome gate is required but has no options", field="outcome")
        total = len(self.criteria) if self.criteria_count is None else self.criteria_count
        if total < len(self.criteria):
            raise SpecError(
                f"criteria_count is {total} but {len(self.criteria)} criteria are listed",
                field="criteria_count",
            )

        set_(self, "by_code", by_code)
        item_sets = {c.code: frozenset(c.items) for c in self.criteria}
        set_(self, "item_sets", item_sets)
        set_(
            self,
            "rows",
            tuple(
                (c.code, c.area, item_sets[c.code], c.required, c.not_applicable_allowed)
                for c in self.criteria
            ),
        )
        set_(self, "order", order)
        set_(self, "ancestors", ancestors)
        set_(self, "has_prerequisites", any(c.prerequisites for c in self.criteria))
        set_(self, "total", total)


def threshold(level: str, min_percent: int | str | Fraction) -> LevelThreshold:
    """A `LevelThreshold` from a percent: an int, a decimal string ("67.5") or a Fraction."""
    return LevelThreshold(level, Fraction(min_percent))


def criterion(
    code: str,
    area: str,
    items: Iterable[str] = ("a",),
    required: int | None = None,
    prerequisites: Iterable[str] = (),
    not_applicable_allowed: bool = False,
) -> CriterionSpec:
    """A `CriterionSpec` with defaults: one checklist item, all items required."""
    keys = tuple(items)
    return CriterionSpec(
        code=code,
        area=area,
        items=keys,
        required=len(keys) if required is None else required,
        prerequisites=tuple(prerequisites),
        not_applicable_allowed=not_applicable_allowed,
    )
