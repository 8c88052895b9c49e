"""The Standard as data: one YAML file per version in standards/data/, validated on load.

The schema is a set of pydantic models; cross-field rules (unique codes, known and acyclic
prerequisites, increasing thresholds) are the scoring engine's own spec checks, so a file that
loads is one the engine can score. Every refusal is a `DefinitionError` whose message names the
file, the criterion and the field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from citycert.datafiles import load_mapping
from citycert.scoring import CriterionSpec, SpecError, StandardSpec, threshold

CODE_PATTERN = r"^[A-Z][A-Za-z0-9-]*$"


def languages() -> tuple[str, ...]:
    """The program's languages, English first (settings.LANGUAGES: adding one is data)."""
    from django.conf import settings

    codes = [code for code, _name in settings.LANGUAGES] if settings.configured else []
    return ("en", *(code for code in codes if code != "en")) if codes else DEFAULT_LANGUAGES


DEFAULT_LANGUAGES = ("en", "es", "pt", "fr")


class DefinitionError(ValueError):
    """A standard file that cannot be loaded; the message says where and why."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A text with a value per language: English required, the others (any of the program's
    languages) optional, falling back to English."""

    model_config = ConfigDict(extra="allow", frozen=True)

    en: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _known_languages(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        known = languages()
        cleaned: dict[str, Any] = {}
        for lang, value in data.items():
            if lang not in known:
                raise ValueError(
                    f"{lang!r} is not one of the program's languages ({', '.join(known)})"
                )
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                raise ValueError(
                    f"{lang}: must not be blank (leave the language out to fall back to English)"
                )
            cleaned[lang] = value.strip()
        return cleaned

    def get(self, lang: str) -> str | None:
        """The text in `lang`, or None where it has none."""
        if lang == "en":
            return self.en
        value = (self.model_extra or {}).get(lang)
        return value if isinstance(value, str) else None

    def as_dict(self) -> dict[str, str]:
        """Only the languages that have a value, in the program's order."""
        return {lang: v for lang in languages() if (v := self.get(lang))}


class ChecklistItem(Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$", max_length=16)
    text: Text


class Checklist(Strict):
    """Meet `required` of the `items`."""

    required: int = Field(ge=1)
    items: list[ChecklistItem] = Field(min_length=1)

    @model_validator(mode="after")
    def _required_fits(self) -> Checklist:
        if self.required > len(self.items):
            raise ValueError(
                f"required is {self.required} but there are only {len(self.items)} items"
            )
        return self


class Criterion(Strict):
    code: str = Field(pattern=CODE_PATTERN, max_length=16)
    # False where the program's own code for a criterion is not known: the code is then ours.
    official_code: bool = True
    title: Text
    statement: Text | None = None
    checklist: Checklist | None = None  # None: not known (retired versions only)
    documents: list[Text] = []
    prerequisites: list[str] = []
    not_applicable_allowed: bool = False
    guidance: Text | None = None

    @field_validator("prerequisites")
    @classmethod
    def _as_set(cls, value: list[str]) -> list[str]:
        # Prerequisites are a set; one order keeps loading idempotent.
        if len(set(value)) != len(value):
            raise ValueError("a prerequisite is listed twice")
        return sorted(value)


class PracticeArea(Strict):
    code: str = Field(pattern=CODE_PATTERN, max_length=16)
    name: Text
    summary: Text | None = None
    criteria: list[Criterion] = []


class Level(Strict):
    level: Literal["silver", "gold", "platinum"]
    min_percent: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)

    @field_validator("min_percent")
    @classmethod
    def _two_places(cls, value: Decimal) -> Decimal:
        # As the database stores it, so that a file and its loaded copy compare equal.
        return value.quantize(Decimal("0.01"))


class OutcomeOption(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)
    title: Text
    description: Text | None = None


class OutcomeGate(Strict):
    required: bool
    statement: Text
    options: list[OutcomeOption] = Field(min_length=1)


class StandardDefinition(Strict):
    code: str = Field(pattern=r"^[0-9]{4}[a-z0-9.-]*$", max_length=16)
    label: Text
    summary: Text | None = None
    notes: Text | None = None
    status: Literal["current", "retired", "record"]
    open_for_assessments: bool
    effective_from: dt.date
    effective_until: dt.date | None = None
    criteria_count: int | None = Field(default=None, ge=1)
    levels: list[Level] = []
    outcome_gate: OutcomeGate | None = None
    practice_areas: list[PracticeArea] = []

    @model_validator(mode="after")
    def _consistent(self) -> StandardDefinition:
        if self.effective_until and self.effective_until < self.effective_from:
            raise ValueError("effective_until is before effective_from")
        if self.open_for_assessments:
            listed = sum(len(a.criteria) for a in self.practice_areas)
            if not self.levels:
                raise ValueError("a version open for assessments needs levels")
            if self.criteria_count != listed:
                raise ValueError(
                    f"a version open for assessments must list all its criteria: "
                    f"criteria_count is {self.criteria_count}, {listed} are listed"
                )
            for area in self.practice_areas:
                for criterion in area.criteria:
                    if criterion.checklist is None:
                        raise ValueError(
                            f"criterion {criterion.code}: a version open for assessments needs "
                            "a checklist for every criterion"
                        )
        return self

    @property
    def criteria(self) -> list[tuple[PracticeArea, Criterion]]:
        return [(area, c) for area in self.practice_areas for c in area.criteria]

    def to_spec(self) -> StandardSpec:
        """The scoring engine's view of this version (raises SpecError)."""
        return StandardSpec(
            version=self.code,
            areas=tuple(a.code for a in self.practice_areas),
            criteria=tuple(
                CriterionSpec(
                    code=c.code,
                    area=area.code,
                    # A criterion whose checklist is not known is met or not as a whole.
                    items=tuple(i.key for i in c.checklist.items) if c.checklist else ("met",),
                    required=c.checklist.required if c.checklist else 1,
                    prerequisites=tuple(c.prerequisites),
                    not_applicable_allowed=c.not_applicable_allowed,
                )
                for area, c in self.criteria
            ),
            levels=tuple(threshold(lv.level, Fraction(lv.min_percent)) for lv in self.levels),
            outcome_options=tuple(o.code for o in self.outcome_gate.options)
            if self.outcome_gate
            else (),
            outcome_required=bool(self.outcome_gate and self.outcome_gate.required),
            criteria_count=self.criteria_count,
        )


def describe_location(raw: Any, loc: tuple[int | str, ...]) -> str:
    """'practice area DM, criterion DM3, field checklist.required' from a pydantic location."""
    parts: list[str] = []
    node = raw
    fields: list[str] = []
    index = 0
    while index < len(loc):
        key = loc[index]
        nxt = loc[index + 1] if index + 1 < len(loc) else None
        container = node.get(key) if isinstance(node, dict) else None
        if key in ("practice_areas", "criteria", "options") and isinstance(nxt, int):
            items = container if isinstance(container, list) else []
            node = items[nxt] if nxt < len(items) else None
            code = node.get("code") if isinstance(node, dict) else None
            label = {
                "practice_areas": "practice area",
                "criteria": "criterion",
                "options": "outcome option",
            }[key]
            parts.append(f"{label} {code}" if code else f"{label} #{nxt + 1}")
            fields = []
            index += 2
            continue
        fields.append(str(key))
        node = (
            container
            if container is not None
            else (
                node[key]
                if isinstance(node, list) and isinstance(key, int) and key < len(node)
                else None
            )
        )
        index += 1
    if fields:
        parts.append("field " + ".".join(fields))
    return ", ".join(parts) or "top level"


def parse(text: str, source: str) -> StandardDefinition:
    """Parse and validate one standard file's text. `source` names it in error messages."""
    raw = load_mapping(text, source, DefinitionError)
    try:
        definition = StandardDefinition.model_validate(raw)
    except ValidationError as exc:
        lines = [
            f"{source}: {describe_location(raw, tuple(err['loc']))}: {err['msg']}"
            for err in exc.errors()
        ]
        raise DefinitionError("\n".join(lines)) from None
    try:
        definition.to_spec()
    except SpecError as exc:
        parts = []
        if exc.criterion:
            area = next((a.code for a, c in definition.criteria if c.code == exc.criterion), None)
            if area:
                parts.append(f"practice area {area}")
            parts.append(f"criterion {exc.criterion}")
        if exc.field:
            parts.append(f"field {exc.field}")
        raise DefinitionError(f"{source}: {', '.join(parts)}: {exc.message}") from None
    return definition


def load_file(path: Path) -> StandardDefinition:
    """Parse a standard file, with the translations of the catalogues beside it
    (`<code>.<lang>.po`, see `catalogue`); its name (without .yaml) must be the version code."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{path.name}: cannot be read: {exc}") from None
    definition = parse(text, path.name)
    if definition.code != path.stem:
        raise DefinitionError(
            f"{path.name}: field code: is {definition.code!r} but the file name says {path.stem!r}"
        )
    from .catalogue import with_catalogues  # catalogue builds on this module's models

    return with_catalogues(definition, path.parent)


def packaged_files() -> list[Path]:
    """The standard files shipped with citycert (named by their version code), oldest first."""
    folder = resources.files("citycert.standards") / "data"
    return sorted(Path(str(folder)).glob("[0-9]*.yaml"))


@cache
def packaged(code: str) -> StandardDefinition:
    """The shipped definition of version `code` (parsed once per process)."""
    for path in packaged_files():
        if path.stem == code:
            return load_file(path)
    known = ", ".join(p.stem for p in packaged_files())
    raise DefinitionError(f"unknown standard version {code!r}; known versions: {known}")


@cache
def packaged_spec(code: str) -> StandardSpec:
    """The scoring spec of shipped version `code`."""
    return packaged(code).to_spec()
