"""Benchmark: score 10,000 synthetic assessments of the 2022 Standard.

Prints assessments per second for the scoring engine (full result: points, level, areas,
outcome gate and the plan to the next level) beside a baseline measured in the same run: a bare
tally that only counts the criteria whose checklist reaches its required number of items, the least
work any scorer must do. Target: >= 20,000 assessments/s. Medians of several rounds.

    uv run python bench/scoring.py [--assessments 10000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from collections.abc import Callable

from citycert.scoring import CriterionAnswer, StandardSpec, score
from citycert.standards.definitions import packaged_spec

TARGET = 20_000


def synthetic(spec: StandardSpec, n: int, seed: int = 2022) -> list[tuple[dict, list[str]]]:
    """`n` assessments with a spread of completeness, from just started to nearly Platinum."""
    rng = random.Random(seed)
    assessments = []
    for _ in range(n):
        completeness = rng.random()
        answers = {}
        for c in spec.criteria:
            ticked = frozenset(item for item in c.items if rng.random() < completeness)
            if ticked:
                answers[c.code] = CriterionAnswer(ticked)
        outcome = [rng.choice(spec.outcome_options)] if rng.random() < 0.6 else []
        assessments.append((answers, outcome))
    return assessments


def bare_tally(spec: StandardSpec, answers: dict, outcome: list[str]) -> int:
    points = 0
    for c in spec.criteria:
        answer = answers.get(c.code)
        if answer is not None and len(answer.items) >= c.required:
            points += 1
    return points


def rate(
    fn: Callable[[StandardSpec, dict, list[str]], object],
    spec: StandardSpec,
    assessments: list[tuple[dict, list[str]]],
    rounds: int,
) -> float:
    """Median assessments per second over `rounds` passes."""
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for answers, outcome in assessments:
            fn(spec, answers, outcome)
        rates.append(len(assessments) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    spec = packaged_spec("2022")
    assessments = synthetic(spec, args.assessments)
    levels: dict[str | None, int] = {}
    for answers, outcome in assessments:  # warm-up, and a look at what was scored
        level = score(spec, answers, outcome).level
        levels[level] = levels.get(level, 0) + 1

    baseline = rate(bare_tally, spec, assessments, args.rounds)
    engine = rate(score, spec, assessments, args.rounds)

    print(f"python {platform.python_version()} on {platform.machine()}")
    print(f"{args.assessments} synthetic 2022 assessments, median of {args.rounds} rounds")
    print(
        "levels in the sample: "
        + ", ".join(
            f"{k or 'none'}={v}" for k, v in sorted(levels.items(), key=lambda kv: str(kv[0]))
        )
    )
    print(f"baseline (bare tally):  {baseline:>10,.0f} assessments/s")
    print(f"scoring engine:         {engine:>10,.0f} assessments/s")
    print(f"engine / baseline:      {engine / baseline:>10.2f}")
    print(f"target >= {TARGET:,}/s:     {'met' if engine >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
