"""Writes to the Standard: loading a version's definition into the database.

Loading is idempotent (the same file twice changes nothing) and all-or-nothing (one transaction).
A version that other records already use (assessments, answers, certifications) keeps what it
asked: its codes, checklists, rules and English texts are frozen, and a file that changes them is
refused naming each change. Its translations and its status (retiring it, closing it to new
assessments) may still change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from django.db import models, transaction

from .definitions import (
    DefinitionError,
    StandardDefinition,
    Text,
    describe_location,
    languages,
    load_file,
    packaged_files,
)
from .models import (
    ChecklistItem,
    Criterion,
    LevelRule,
    OutcomeOption,
    PracticeArea,
    RequiredDocument,
    StandardVersion,
)

Outcome = Literal["created", "updated", "unchanged"]

#: Fields a version in use may still change; everything else it asked is frozen.
MUTABLE_FIELDS = frozenset({"status", "open_for_assessments", "effective_until", "notes"})


class StandardInUseError(DefinitionError):
    """A change to what a version in use asks of cities."""


@dataclass(frozen=True)
class LoadResult:
    code: str
    outcome: Outcome


def _text(value: Text | None) -> dict[str, str]:
    return value.as_dict() if value is not None else {}


def version_in_use(version: StandardVersion) -> bool:
    """Whether any record outside the standards app refers to this version or its parts."""
    parts: list[tuple[type[models.Model], models.QuerySet[Any]]] = [
        (StandardVersion, StandardVersion.objects.filter(pk=version.pk)),
        (PracticeArea, PracticeArea.objects.filter(version=version)),
        (Criterion, Criterion.objects.filter(version=version)),
        (ChecklistItem, ChecklistItem.objects.filter(criterion__version=version)),
        (RequiredDocument, RequiredDocument.objects.filter(criterion__version=version)),
        (OutcomeOption, OutcomeOption.objects.filter(version=version)),
        (LevelRule, LevelRule.objects.filter(version=version)),
    ]
    for model, rows in parts:
        for relation in model._meta.related_objects:
            other = relation.related_model
            if other._meta.app_label == "standards":
                continue
            name = relation.field.name
            if other._default_manager.filter(**{f"{name}__in": rows}).exists():
                return True
    return False


def definition_from_db(version: StandardVersion) -> StandardDefinition:
    """Rebuild the definition a version was loaded from, to compare it with a file."""

    def text(value: dict[str, str]) -> dict[str, str] | None:
        return value or None

    areas = (
        PracticeArea.objects.filter(version=version)
        .prefetch_related(
            models.Prefetch(
                "criteria",
                Criterion.objects.prefetch_related(
                    "checklist_items",
                    "required_documents",
                    models.Prefetch("prerequisites", Criterion.objects.order_by("code")),
                ),
            )
        )
        .order_by("position")
    )
    options = list(version.outcome_options.order_by("position"))
    data: dict[str, Any] = {
        "code": version.code,
        "label": version.label,
        "summary": text(version.summary),
        "notes": text(version.notes),
        "status": version.status,
        "open_for_assessments": version.open_for_assessments,
        "effective_from": version.effective_from,
        "effective_until": version.effective_until,
        "criteria_count": version.criteria_count,
        "levels": [
            {"level": rule.level, "min_percent": rule.min_percent}
            for rule in version.level_rules.order_by("position")
        ],
        "outcome_gate": {
            "required": version.outcome_gate_required,
            "statement": version.outcome_gate_statement,
            "options": [
                {"code": o.code, "title": o.title, "description": text(o.description)}
                for o in options
            ],
        }
        if options
        else None,
        "practice_areas": [
            {
                "code": area.code,
                "name": area.name,
                "summary": text(area.summary),
                "criteria": [
                    {
                        "code": c.code,
                        "official_code": c.official_code,
                        "title": c.title,
                        "statement": text(c.statement),
                        "checklist": {
                            "required": c.required_items,
                            "items": [
                                {"key": i.key, "text": i.text} for i in c.checklist_items.all()
                            ],
                        }
                        if c.required_items is not None
                        else None,
                        "documents": [d.text for d in c.required_documents.all()],
                        "prerequisites": [p.code for p in c.prerequisites.all()],
                        "not_applicable_allowed": c.not_applicable_allowed,
                        "guidance": text(c.guidance),
                    }
                    for c in area.criteria.all()
                ],
            }
            for area in areas
        ],
    }
    return StandardDefinition.model_validate(data)


def _frozen(value: Any) -> Any:
    """The part of a definition dump a version in use may not change: English and structure."""
    if isinstance(value, dict):
        if "en" in value and set(value) <= set(languages()):  # a Text: only English is frozen
            return {"en": value["en"]}
        return {k: _frozen(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_frozen(v) for v in value]
    return value


def _differences(
    old: Any, new: Any, loc: tuple[int | str, ...] = ()
) -> list[tuple[int | str, ...]]:
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in [*old, *(k for k in new if k not in old)]:
            found += _differences(old.get(key), new.get(key), (*loc, key))
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        found = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            found += _differences(a, b, (*loc, index))
        return found
    return [] if old == new else [loc]


@transaction.atomic
def load_files(paths: Iterable[Path] | None = None) -> list[LoadResult]:
    """Load standard files (the shipped ones by default): every file is parsed before anything
    is written, then all are written or none."""
    definitions = [(path, load_file(path)) for path in (paths or packaged_files())]
    return [load_standard(definition, path.name) for path, definition in definitions]


@transaction.atomic
def load_standard(definition: StandardDefinition, source: str) -> LoadResult:
    """Create or update the version `definition` describes. `source` names the file in errors."""
    version = StandardVersion.objects.select_for_update().filter(code=definition.code).first()
    if version is None:
        version = StandardVersion(code=definition.code)
        _save_version(version, definition)
        _create_parts(version, definition)
        return LoadResult(definition.code, "created")

    stored = definition_from_db(version)
    if stored == definition:
        return LoadResult(definition.code, "unchanged")

    if version_in_use(version):
        old = {k: v for k, v in stored.model_dump(mode="json").items() if k not in MUTABLE_FIELDS}
        new_dump = definition.model_dump(mode="json")
        new = {k: v for k, v in new_dump.items() if k not in MUTABLE_FIELDS}
        changed = _differences(_frozen(old), _frozen(new))
        if changed:
            lines = [
                f"{source}: {describe_location(new_dump, loc)}: changed, but version "
                f"{definition.code} is already used by assessments; publish a new version instead"
                for loc in changed
            ]
            raise StandardInUseError("\n".join(lines))
        _save_version(version, definition)
        _update_texts(version, definition)
        return LoadResult(definition.code, "updated")

    # Nothing refers to this version's rows yet, so they can simply be rebuilt.
    _save_version(version, definition)
    version.practice_areas.all().delete()
    version.level_rules.all().delete()
    version.outcome_options.all().delete()
    _create_parts(version, definition)
    return LoadResult(definition.code, "updated")


def _save_version(version: StandardVersion, definition: StandardDefinition) -> None:
    gate = definition.outcome_gate
    version.label = _text(definition.label)
    version.summary = _text(definition.summary)
    version.notes = _text(definition.notes)
    version.status = definition.status
    version.open_for_assessments = definition.open_for_assessments
    version.effective_from = definition.effective_from
    version.effective_until = definition.effective_until
    version.criteria_count = definition.criteria_count
    version.outcome_gate_required = bool(gate and gate.required)
    version.outcome_gate_statement = _text(gate.statement) if gate else {}
    version.save()


def _create_parts(version: StandardVersion, definition: StandardDefinition) -> None:
    LevelRule.objects.bulk_create(
        LevelRule(version=version, level=lv.level, min_percent=lv.min_percent, position=i)
        for i, lv in enumerate(definition.levels)
    )
    if definition.outcome_gate:
        OutcomeOption.objects.bulk_create(
            OutcomeOption(
                version=version,
                code=o.code,
                title=_text(o.title),
                description=_text(o.description),
                position=i,
            )
            for i, o in enumerate(definition.outcome_gate.options)
        )
    areas = PracticeArea.objects.bulk_create(
        PracticeArea(
            version=version,
            code=a.code,
            name=_text(a.name),
            summary=_text(a.summary),
            position=i,
        )
        for i, a in enumerate(definition.practice_areas)
    )
    area_by_code = {a.code: a for a in areas}
    criteria = Criterion.objects.bulk_create(
        Criterion(
            version=version,
            area=area_by_code[area.code],
            code=c.code,
            official_code=c.official_code,
            title=_text(c.title),
            statement=_text(c.statement),
            guidance=_text(c.guidance),
            required_items=c.checklist.required if c.checklist else None,
            not_applicable_allowed=c.not_applicable_allowed,
            position=i,
        )
        for i, (area, c) in enumerate(definition.criteria)
    )
    by_code = {c.code: c for c in criteria}
    items: list[ChecklistItem] = []
    documents: list[RequiredDocument] = []
    links = []
    prerequisite = Criterion.prerequisites.through
    for _, c in definition.criteria:
        row = by_code[c.code]
        if c.checklist:
            items += [
                ChecklistItem(criterion=row, key=item.key, text=_text(item.text), position=i)
                for i, item in enumerate(c.checklist.items)
            ]
        documents += [
            RequiredDocument(criterion=row, text=_text(doc), position=i)
            for i, doc in enumerate(c.documents)
        ]
        links += [
            prerequisite(from_criterion=row, to_criterion=by_code[p]) for p in c.prerequisites
        ]
    ChecklistItem.objects.bulk_create(items)
    RequiredDocument.objects.bulk_create(documents)
    prerequisite.objects.bulk_create(links)


def _update_texts(version: StandardVersion, definition: StandardDefinition) -> None:
    """Write every text of `definition` over the rows of a version whose structure it matches."""
    areas = {a.code: a for a in version.practice_areas.all()}
    criteria = {c.code: c for c in version.criteria.all()}
    options = {o.code: o for o in version.outcome_options.all()}
    items = {
        (i.criterion_id, i.key): i for i in ChecklistItem.objects.filter(criterion__version=version)
    }
    documents = {
        (d.criterion_id, d.position): d
        for d in RequiredDocument.objects.filter(criterion__version=version)
    }
    for area in definition.practice_areas:
        row = areas[area.code]
        row.name, row.summary = _text(area.name), _text(area.summary)
    for _, c in definition.criteria:
        crit = criteria[c.code]
        crit.title, crit.statement = _text(c.title), _text(c.statement)
        crit.guidance = _text(c.guidance)
        for item in c.checklist.items if c.checklist else []:
            items[(crit.pk, item.key)].text = _text(item.text)
        for i, doc in enumerate(c.documents):
            documents[(crit.pk, i)].text = _text(doc)
    for option in definition.outcome_gate.options if definition.outcome_gate else []:
        row_option = options[option.code]
        row_option.title = _text(option.title)
        row_option.description = _text(option.description)
    PracticeArea.objects.bulk_update(areas.values(), ["name", "summary"])
    Criterion.objects.bulk_update(criteria.values(), ["title", "statement", "guidance"])
    ChecklistItem.objects.bulk_update(items.values(), ["text"])
    RequiredDocument.objects.bulk_update(documents.values(), ["text"])
    OutcomeOption.objects.bulk_update(options.values(), ["title", "description"])


@transaction.atomic
def import_translations(code: str, lang: str, po: Any, source: str) -> LoadResult:
    """Write one language's translations of version `code` from a catalogue (see
    `catalogue.read`: all of it is checked first; nothing is written unless all is good). Works
    on a version in use too: only the English is frozen."""
    from .catalogue import read, translated

    version = StandardVersion.objects.filter(code=code).first()
    if version is None:
        raise DefinitionError(f"{source}: no standard version {code!r} is loaded")
    current = definition_from_db(version)
    return load_standard(translated(current, lang, read(current, lang, po)), source)


def current_code() -> str | None:
    """The version open for assessments now (the newest such), if any."""
    version = (
        StandardVersion.objects.filter(open_for_assessments=True)
        .order_by("-effective_from")
        .first()
    )
    return version.code if version else None
