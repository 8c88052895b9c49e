"""The Standard, in public: its versions, and each version's areas and criteria."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from citycert.standards import queries
from citycert.standards.models import StandardVersion

from .errors import errors
from .schemas import code_path

router = Router(tags=["Standard"])

#: A text in each language the program has it in: {"en": "...", "es": "...", "fr": null}.
Text = dict[str, str | None]


class LevelRuleOut(Schema):
    level: str
    min_percent: float


class VersionOut(Schema):
    code: str
    label: Text
    summary: Text
    status: str
    open_for_assessments: bool
    effective_from: dt.date
    effective_until: dt.date | None
    criteria_count: int | None
    criteria_listed: int
    outcome_gate_required: bool
    levels: list[LevelRuleOut]


class ChecklistItemOut(Schema):
    key: str
    text: Text


class CriterionOut(Schema):
    code: str
    area: str
    title: Text
    statement: Text
    guidance: Text
    checklist: list[ChecklistItemOut]
    required_items: int
    required_documents: list[Text]
    prerequisites: list[str]
    not_applicable_allowed: bool


class AreaOut(Schema):
    code: str
    name: Text
    summary: Text


class OutcomeOptionOut(Schema):
    code: str
    title: Text
    description: Text


class VersionDetailOut(VersionOut):
    outcome_gate_statement: Text
    outcome_options: list[OutcomeOptionOut]
    areas: list[AreaOut]
    criteria: list[CriterionOut]


def _version(version: StandardVersion) -> dict[str, object]:
    return {
        "code": version.code,
        "label": version.label,
        "summary": version.summary,
        "status": version.status,
        "open_for_assessments": version.open_for_assessments,
        "effective_from": version.effective_from,
        "effective_until": version.effective_until,
        "criteria_count": version.criteria_count,
        "criteria_listed": version.listed,  # type: ignore[attr-defined]
        "outcome_gate_required": version.outcome_gate_required,
        "levels": [
            {"level": rule.level, "min_percent": float(rule.min_percent)}
            for rule in version.level_rules.all()
        ],
    }


@router.get("/standards", response={200: list[VersionOut], **errors()}, summary="Standard versions")
def list_versions(request: HttpRequest) -> list[dict[str, object]]:
    """Every version of the Standard, newest first."""
    return [_version(v) for v in queries.versions()]


@router.get(
    "/standards/{code}",
    response={200: VersionDetailOut, **errors(404, 422)},
    summary="A version with its criteria",
)
def get_version(request: HttpRequest, code: str = code_path()) -> dict[str, object]:
    """One version: its levels, outcome gate, practice areas and criteria with their checklists."""
    version = queries.version_with_criteria(code)
    areas = list(version.practice_areas.all())
    return {
        **_version(version),
        "outcome_gate_statement": version.outcome_gate_statement,
        "outcome_options": [
            {"code": o.code, "title": o.title, "description": o.description}
            for o in version.outcome_options.all()
        ],
        "areas": [{"code": a.code, "name": a.name, "summary": a.summary} for a in areas],
        "criteria": [
            {
                "code": c.code,
                "area": area.code,
                "title": c.title,
                "statement": c.statement,
                "guidance": c.guidance,
                "checklist": [{"key": i.key, "text": i.text} for i in c.checklist_items.all()],
                "required_items": c.required_items or 1,
                "required_documents": [d.text for d in c.required_documents.all()],
                "prerequisites": [p.code for p in c.prerequisites.all()],
                "not_applicable_allowed": c.not_applicable_allowed,
            }
            for area in areas
            for c in area.criteria.all()
        ],
    }
