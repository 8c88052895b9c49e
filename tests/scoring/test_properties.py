"""Properties of the scoring engine over generated standards and answers (hypothesis)."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from citycert.scoring import (
    LEVELS,
    CriterionAnswer,
    StandardSpec,
    answers_from_codes,
    criterion,
    score,
    threshold,
)
from citycert.standards.definitions import packaged_spec

SPEC_2022 = packaged_spec("2022")
RANK = {None: 0, **{level: i + 1 for i, level in enumerate(LEVELS)}}


@st.composite
def specs(draw: st.DrawFn, max_criteria: int = 9) -> StandardSpec:
    """Small standards with random checklists, prerequisites (acyclic), N/A and thresholds."""
    n = draw(st.integers(1, max_criteria))
    codes = [f"C{i}" for i in range(n)]
    criteria = []
    for i, code in enumerate(codes):
        size = draw(st.integers(1, 3))
        # Prerequisites only on earlier criteria keeps the graph acyclic.
        prerequisites = draw(st.lists(st.sampled_from(codes[:i]), unique=True)) if i else []
        criteria.append(
            criterion(
                code,
                draw(st.sampled_from(["A", "B"])),
                "abc"[:size],
                required=draw(st.integers(1, size)),
                prerequisites=prerequisites,
                not_applicable_allowed=draw(st.booleans()),
            )
        )
    cuts = sorted(draw(st.sets(st.integers(1, 100), min_size=1, max_size=3)))
    return StandardSpec(
        "t",
        ("A", "B"),
        tuple(criteria),
        tuple(threshold(level, cut) for level, cut in zip(LEVELS, cuts, strict=False)),
    )


@st.composite
def answered(draw: st.DrawFn, spec: StandardSpec | None = None) -> tuple[StandardSpec, dict]:
    spec = spec or draw(specs())
    answers = {}
    for c in spec.criteria:
        if c.not_applicable_allowed and draw(st.booleans()):
            answers[c.code] = CriterionAnswer(not_applicable=True)
        else:
            answers[c.code] = CriterionAnswer(frozenset(draw(st.sets(st.sampled_from(c.items)))))
    return spec, answers


def more(spec: StandardSpec, answers: dict, extra: dict) -> dict:
    """`answers` with more checklist items ticked (never fewer, never changing N/A)."""
    grown = dict(answers)
    for code, items in extra.items():
        old = grown[code]
        if not old.not_applicable:
            grown[code] = CriterionAnswer(old.items | (items & spec.item_sets[code]))
    return grown


@given(data=st.data())
def test_meeting_more_never_lowers_the_level(data: st.DataObject) -> None:
    spec, answers = data.draw(answered())
    extra = {c.code: frozenset(data.draw(st.sets(st.sampled_from(c.items)))) for c in spec.criteria}
    before, after = score(spec, answers), score(spec, more(spec, answers, extra))
    assert after.points >= before.points
    assert RANK[after.level] >= RANK[before.level]


@given(
    met=st.sets(st.sampled_from([c.code for c in SPEC_2022.criteria])),
    extra=st.sets(st.sampled_from([c.code for c in SPEC_2022.criteria])),
    gate=st.booleans(),
)
def test_meeting_more_2022_criteria_never_lowers_the_level(
    met: set[str], extra: set[str], gate: bool
) -> None:
    outcome = ["air_quality"] if gate else []
    before = score(SPEC_2022, answers_from_codes(SPEC_2022, met), outcome)
    after = score(SPEC_2022, answers_from_codes(SPEC_2022, met | extra), outcome)
    assert RANK[after.level] >= RANK[before.level]


@given(data=st.data())
def test_no_point_is_earned_past_an_unmet_prerequisite(data: st.DataObject) -> None:
    spec, answers = data.draw(answered())
    result = score(spec, answers)
    earned = set(result.earned)
    na = set(result.not_applicable)
    for code in earned:
        for prerequisite in spec.ancestors[code]:
            assert prerequisite in earned or prerequisite in na
    assert result.points == len(earned)
    assert result.possible == len(spec.criteria) - len(na)
    assert sum(a.points for a in result.areas.values()) == result.points


@given(data=st.data())
def test_the_plan_reaches_the_next_level(data: st.DataObject) -> None:
    spec, answers = data.draw(answered())
    result = score(spec, answers)
    if result.plan is None or result.plan.criteria is None:
        return
    completed = dict(answers)
    for code in result.plan.criteria:
        completed[code] = CriterionAnswer(spec.item_sets[code])
    assert RANK[score(spec, completed).level] >= RANK[result.next_level]


@settings(max_examples=150)
@given(data=st.data())
def test_the_plan_is_the_smallest_possible(data: st.DataObject) -> None:
    spec, answers = data.draw(answered(spec=data.draw(specs(max_criteria=7))))
    result = score(spec, answers)
    if result.plan is None:
        return
    open_codes = [
        c.code
        for c in spec.criteria
        if not answers[c.code].not_applicable
        and c.code not in result.earned
        and c.code not in result.blocked
    ]

    def reaches(chosen: tuple[str, ...]) -> bool:
        completed = dict(answers)
        for code in chosen:
            completed[code] = CriterionAnswer(spec.item_sets[code])
        return RANK[score(spec, completed).points_level] >= RANK[result.next_level]

    smallest = next(
        (
            len(chosen)
            for size in range(len(open_codes) + 1)
            for chosen in combinations(open_codes, size)
            if reaches(chosen)
        ),
        None,
    )
    assert result.gap == smallest
