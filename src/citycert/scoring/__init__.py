"""The scoring engine: a standard spec and a city's answers in, points and level out.

Pure Python on purpose (no Django import): it runs in the live preview, reports, bulk re-scoring,
the `citycert score` command and benchmarks alike, and is property-tested on its own.
"""

from .engine import (
    AnswerError,
    AreaScore,
    CriterionAnswer,
    Plan,
    ScoreResult,
    answers_from_codes,
    level_for,
    plan_to_level,
    score,
)
from .spec import (
    LEVELS,
    CriterionSpec,
    LevelThreshold,
    SpecError,
    StandardSpec,
    criterion,
    threshold,
)

__all__ = [
    "LEVELS",
    "AnswerError",
    "AreaScore",
    "CriterionAnswer",
    "CriterionSpec",
    "LevelThreshold",
    "Plan",
    "ScoreResult",
    "SpecError",
    "StandardSpec",
    "answers_from_codes",
    "criterion",
    "level_for",
    "plan_to_level",
    "score",
    "threshold",
]
