"""The scoring engine: levels at their exact boundaries, the outcome gate, prerequisites,
not-applicable criteria, the plan to the next level, and bad answers."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import pytest

from citycert.scoring import (
    AnswerError,
    CriterionAnswer,
    SpecError,
    StandardSpec,
    answers_from_codes,
    criterion,
    level_for,
    plan_to_level,
    score,
    threshold,
)
from citycert.standards.definitions import packaged_spec

SPEC_2022 = packaged_spec("2022")
CODES_2022 = [c.code for c in SPEC_2022.criteria]


def spec_2018_shape() -> StandardSpec:
    """45 one-item criteria with the real 2018 thresholds (most 2018 criteria are not known)."""
    return StandardSpec(
        version="2018",
        areas=("A",),
        criteria=tuple(criterion(f"C{i}", "A") for i in range(45)),
        levels=packaged_spec("2018").levels,
    )


@pytest.mark.parametrize(
    ("met", "level"),
    [
        (0, None),
        (21, None),
        (22, "silver"),
        (29, "silver"),
        (30, "gold"),
        (36, "gold"),
        (37, "platinum"),
        (43, "platinum"),
    ],
)
def test_it_levels_2022_at_the_exact_boundaries(met: int, level: str | None) -> None:
    result = score(SPEC_2022, answers_from_codes(SPEC_2022, CODES_2022[:met]), ["air_quality"])
    assert (result.points, result.possible, result.level) == (met, 43, level)


@pytest.mark.parametrize("met", [22, 30, 37, 43])
def test_it_gives_no_level_when_the_2022_outcome_gate_is_unmet(met: int) -> None:
    result = score(SPEC_2022, answers_from_codes(SPEC_2022, CODES_2022[:met]))
    assert result.level is None
    assert result.points_level is not None
    assert result.outcome_gate_met is False
    assert result.next_level == "silver"
    assert result.gap == 0  # enough criteria; only the gate is missing


@pytest.mark.parametrize("option", ["air_quality", "broadband", "sdg_outcome"])
def test_it_accepts_any_one_outcome_option(option: str) -> None:
    result = score(SPEC_2022, answers_from_codes(SPEC_2022, CODES_2022[:22]), [option])
    assert result.level == "silver"


@pytest.mark.parametrize(
    ("met", "level"),
    [(22, None), (23, "silver"), (30, "silver"), (31, "gold"), (37, "gold"), (38, "platinum")],
)
def test_it_levels_2018_at_the_exact_boundaries(met: int, level: str | None) -> None:
    spec = spec_2018_shape()
    result = score(spec, answers_from_codes(spec, [f"C{i}" for i in range(met)]))
    assert result.level == level


def test_it_counts_a_criterion_met_only_with_enough_checklist_items() -> None:
    spec = StandardSpec("t", ("A",), (criterion("X", "A", "abcd", required=3),), ())
    two = score(spec, {"X": CriterionAnswer(frozenset("ab"))})
    three = score(spec, {"X": CriterionAnswer(frozenset("abd"))})
    assert (two.points, three.points) == (0, 1)


def test_it_withholds_the_point_of_a_criterion_whose_prerequisite_is_unmet() -> None:
    spec = StandardSpec(
        "t",
        ("A",),
        (criterion("P", "A"), criterion("Q", "A", prerequisites=["P"]), criterion("R", "A")),
        (threshold("silver", 50),),
    )
    result = score(spec, answers_from_codes(spec, ["Q", "R"]))
    assert result.earned == ("R",)
    assert result.blocked == ("Q",)
    assert result.points == 1
    # Meeting P earns P and releases Q: one criterion, two points.
    assert score(spec, answers_from_codes(spec, ["P", "Q", "R"])).points == 3


def test_it_follows_prerequisites_transitively() -> None:
    spec = StandardSpec(
        "t",
        ("A",),
        (
            criterion("P", "A"),
            criterion("Q", "A", prerequisites=["P"]),
            criterion("R", "A", prerequisites=["Q"]),
        ),
        (),
    )
    assert score(spec, answers_from_codes(spec, ["Q", "R"])).earned == ()
    assert score(spec, answers_from_codes(spec, ["P", "R"])).blocked == ("R",)


def test_it_leaves_not_applicable_criteria_out_of_the_possible_points() -> None:
    spec = StandardSpec(
        "t",
        ("A", "B"),
        (criterion("X", "A"), criterion("Y", "B", not_applicable_allowed=True)),
        (threshold("silver", 100),),
    )
    result = score(spec, answers_from_codes(spec, ["X"], not_applicable=["Y"]))
    assert (result.points, result.possible, result.level) == (1, 1, "silver")
    assert result.areas["B"].possible == 0
    assert result.not_applicable == ("Y",)


def test_it_treats_a_not_applicable_prerequisite_as_no_obstacle() -> None:
    spec = StandardSpec(
        "t",
        ("A",),
        (criterion("P", "A", not_applicable_allowed=True), criterion("Q", "A", prerequisites="P")),
        (),
    )
    result = score(spec, answers_from_codes(spec, ["Q"], not_applicable=["P"]))
    assert result.earned == ("Q",)


def test_it_refuses_not_applicable_where_the_criterion_does_not_allow_it() -> None:
    with pytest.raises(AnswerError, match="DM1 cannot be marked not applicable"):
        score(SPEC_2022, answers_from_codes(SPEC_2022, [], not_applicable=["DM1"]))


@pytest.mark.parametrize(
    ("answers", "outcome", "message"),
    [
        ({"ZZ9": CriterionAnswer()}, [], "unknown criterion 'ZZ9'"),
        ({"DM1": CriterionAnswer(frozenset({"z"}))}, [], "DM1 has no checklist item z"),
        ({}, ["clean_water"], "unknown outcome option 'clean_water'"),
    ],
)
def test_it_refuses_answers_that_do_not_fit_the_standard(
    answers: dict[str, CriterionAnswer], outcome: list[str], message: str
) -> None:
    with pytest.raises(AnswerError, match=message):
        score(SPEC_2022, answers, outcome)


def test_it_names_every_unknown_code() -> None:
    with pytest.raises(AnswerError, match="XX1, YY2"):
        answers_from_codes(SPEC_2022, ["DM1", "YY2", "XX1"])


def test_it_reports_points_per_practice_area() -> None:
    result = score(SPEC_2022, answers_from_codes(SPEC_2022, ["DM1", "DM2", "EVAL4"]))
    assert result.areas["DM"].points == 2
    assert result.areas["DM"].possible == 9
    assert result.areas["EVAL"].points == 1
    assert sum(a.possible for a in result.areas.values()) == 43


def test_it_plans_the_fewest_criteria_to_the_next_level() -> None:
    result = score(SPEC_2022, answers_from_codes(SPEC_2022, CODES_2022[:25]), ["broadband"])
    assert (result.level, result.next_level, result.gap) == ("silver", "gold", 5)
    assert result.plan is not None and result.plan.criteria is not None
    assert not set(result.plan.criteria) & set(CODES_2022[:25])


def test_it_plans_criteria_closest_to_done_first() -> None:
    spec = StandardSpec(
        "t",
        ("A",),
        (criterion("X", "A", "abcd", required=3), criterion("Y", "A", "abcd", required=3)),
        (threshold("silver", 50),),
    )
    result = score(spec, {"Y": CriterionAnswer(frozenset("ab"))})
    assert result.plan is not None and result.plan.criteria == ("Y",)


def test_it_has_no_next_level_at_platinum() -> None:
    result = score(SPEC_2022, answers_from_codes(SPEC_2022, CODES_2022), ["air_quality"])
    assert (result.level, result.next_level, result.gap) == ("platinum", None, None)


def test_it_says_when_the_listed_criteria_cannot_reach_a_level() -> None:
    spec = StandardSpec(
        "t", ("A",), (criterion("X", "A"),), (threshold("silver", 50),), (), False, 10
    )
    result = score(spec, answers_from_codes(spec, ["X"]))
    assert result.next_level == "silver"
    assert result.gap is None
    assert result.as_dict()["gap_criteria"] is None


def test_it_counts_releasing_a_blocked_criterion_in_the_plan() -> None:
    spec = StandardSpec(
        "t",
        ("A",),
        (
            criterion("P", "A"),
            criterion("Q", "A", prerequisites=["P"]),
            criterion("R", "A", prerequisites=["P"]),
            criterion("S", "A"),
            criterion("T", "A"),
        ),
        (threshold("silver", 60),),
    )
    # Q and R are met but wait on P: meeting P alone earns three points.
    result = score(spec, answers_from_codes(spec, ["Q", "R"]))
    assert result.plan is not None and result.plan.criteria == ("P",)


def test_it_plans_for_a_level_beyond_the_next() -> None:
    plan = plan_to_level(SPEC_2022, answers_from_codes(SPEC_2022, CODES_2022[:22]), "platinum")
    assert plan.size == 15


def test_level_for_uses_exact_arithmetic() -> None:
    levels = (threshold("silver", "66.67"),)
    assert level_for(2, 3, levels) is None  # 66.666...% is below 66.67%
    assert level_for(2, 3, (threshold("silver", Fraction(200, 3)),)) == "silver"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: StandardSpec("t", ("A",), (criterion("X", "A"), criterion("X", "A")), ()),
            "X appears more than once",
        ),
        (
            lambda: StandardSpec("t", ("A",), (criterion("X", "A", prerequisites=["Y"]),), ()),
            "unknown prerequisite 'Y'",
        ),
        (
            lambda: StandardSpec(
                "t",
                ("A",),
                (
                    criterion("X", "A", prerequisites=["Y"]),
                    criterion("Y", "A", prerequisites=["X"]),
                ),
                (),
            ),
            "cycle",
        ),
        (
            lambda: StandardSpec("t", ("A",), (), (threshold("silver", 60), threshold("gold", 60))),
            "must increase",
        ),
        (lambda: StandardSpec("t", ("A",), (), (threshold("gold", 60),)), "silver"),
        (
            lambda: StandardSpec("t", ("A",), (criterion("X", "A", "ab", required=3),), ()),
            "required must be between 0 and 2",
        ),
    ],
)
def test_it_refuses_a_spec_it_cannot_score(build, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError, match=message):
        build()


def test_the_engine_imports_nothing_from_django() -> None:
    code = (
        "import sys, citycert.scoring; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'django'); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
