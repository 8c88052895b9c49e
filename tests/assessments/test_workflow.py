"""The assessment's states live in one table; every transition is checked, recorded and audited,
and the assessments app knows nothing of the certification team's work above it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from auditlog.models import LogEntry

from citycert.assessments import services, workflow
from citycert.assessments.models import Answer, Assessment, StateChange
from tests import factories as f

SOURCE = Path(__file__).resolve().parents[2] / "src" / "citycert"


def imported_modules(folder: Path) -> dict[str, set[str]]:
    """Every module each file under `folder` imports (absolute or relative, resolved)."""
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        package = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts[:-1])
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(SOURCE))] = names
    return found


def test_nothing_in_assessments_imports_reviews() -> None:
    offenders = {
        path: sorted(n for n in names if "reviews" in n.split("."))
        for path, names in imported_modules(SOURCE / "assessments").items()
        if any("reviews" in n.split(".") for n in names)
    }
    assert offenders == {}


def test_the_scoring_engine_scores_assessments_through_one_door() -> None:
    """Only the assessments' score door calls the engine's `score`; the reports use it for a
    data snapshot and for what-ifs, the `score` command for its own input."""
    callers = {
        path
        for path, names in imported_modules(SOURCE).items()
        if "citycert.scoring.score" in names and not path.startswith("scoring/")
    }
    assert callers == {
        "assessments/scores.py",
        "reports/queries.py",
        "standards/management/commands/score.py",
    }


def test_the_table_names_every_state_and_only_it_changes_them() -> None:
    reached = {t.target for t in workflow.TRANSITIONS.values()}
    left = set().union(*(t.sources for t in workflow.TRANSITIONS.values()))
    assert reached | left == set(Assessment.State.values)
    assert workflow.TRANSITIONS["close"].sources == {"in_review", "clarification"}
    assert workflow.TRANSITIONS["appeal"].sources == {"decided"}


def test_it_records_who_and_when_for_each_transition_and_audits_it(standard: None) -> None:
    _c, lead, assessment = f.submitted_assessment(claimed=25)
    admin = f.person(admin=True)
    workflow.begin_review(assessment, admin)
    workflow.reopen(assessment, ["DM1", "DM2"], admin)
    assessment.refresh_from_db()
    assert assessment.state == "clarification"
    assert set(
        assessment.answers.filter(reopened=True).values_list("criterion__code", flat=True)
    ) == {
        "DM1",
        "DM2",
    }
    workflow.relock(assessment, ["DM1"], lead)
    assessment.refresh_from_db()
    assert assessment.state == "clarification"  # DM2 is still open
    workflow.relock(assessment, ["DM2"], lead)
    assessment.refresh_from_db()
    assert assessment.state == "in_review"
    changes = list(StateChange.objects.filter(assessment=assessment))
    assert [(s.transition, s.source, s.target) for s in changes] == [
        ("submit", "draft", "submitted"),
        ("begin_review", "submitted", "in_review"),
        ("reopen", "in_review", "clarification"),
        ("relock", "clarification", "clarification"),
        ("relock", "clarification", "in_review"),
    ]
    assert [s.by for s in changes] == [lead, admin, admin, lead, lead]
    assert all(s.at is not None for s in changes)
    states = [
        e.changes_dict.get("state")
        for e in LogEntry.objects.get_for_object(assessment).order_by("timestamp", "pk")
        if "state" in e.changes_dict
    ]
    assert states[-1] == ["clarification", "in_review"]


def test_it_refuses_a_transition_the_table_does_not_have(standard: None) -> None:
    _c, lead, assessment = f.submitted_assessment(claimed=25)
    for name in ("close", "appeal", "relock", "settle_appeal", "submit"):
        with pytest.raises(workflow.TransitionError):
            workflow.apply(assessment, name, lead)
    assessment.refresh_from_db()
    assert assessment.state == "submitted"
    assert StateChange.objects.filter(assessment=assessment).count() == 1


def test_a_reopened_answer_is_the_only_one_the_city_may_change(standard: None) -> None:
    _c, lead, assessment = f.submitted_assessment(claimed=25)
    admin = f.person(admin=True)
    workflow.begin_review(assessment, admin)
    workflow.reopen(assessment, ["DM3"], admin)
    dm3 = assessment.answers.select_related("assessment", "criterion").get(criterion__code="DM3")
    dm4 = assessment.answers.select_related("assessment", "criterion").get(criterion__code="DM4")
    assert services.answer_is_open(dm3) and not services.answer_is_open(dm4)
    services.save_answer(
        dm3, version=dm3.version, status="not_met", items=[], narrative="", links=[], by=lead
    )
    with pytest.raises(services.AssessmentError):
        services.save_answer(
            dm4, version=dm4.version, status="not_met", items=[], narrative="", links=[], by=lead
        )
    # A decision locks every answer again.
    workflow.close(assessment, admin)
    assert not Answer.objects.filter(assessment=assessment, reopened=True).exists()


def test_findings_are_recorded_only_while_in_review(standard: None) -> None:
    _c, lead, assessment = f.submitted_assessment(claimed=25)
    with pytest.raises(services.AssessmentError):
        services.record_findings(assessment, {"DM1": "validated"})
    workflow.begin_review(assessment, lead)
    assert services.record_findings(assessment, {"DM1": "validated", "DM2": "not_validated"}) == 2
    found = dict(assessment.answers.values_list("criterion__code", "finding"))
    assert (found["DM1"], found["DM2"], found["DM3"]) == ("validated", "not_validated", "")
