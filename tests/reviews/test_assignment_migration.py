"""The data migration that turns city-level reviewer assignments into assessment-level ones loses
no declaration, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("reviews", "0006_honor_roll"), ("assessments", "0001_initial")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate to `targets`; the models as the database now has them, every app included."""
    MigrationExecutor(connection).migrate(targets)
    loader = MigrationExecutor(connection).loader
    applied = set(loader.applied_migrations)
    ends = [
        node
        for node in applied
        if not any(child in applied for child in loader.graph.node_map[node].children)
    ]
    return loader.project_state(ends).apps


@pytest.mark.django_db(transaction=True)
def test_city_level_assignments_move_to_assessments_with_their_declarations() -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    try:
        city_model = old.get_model("cities", "City")
        user_model = old.get_model("accounts", "User")
        standard_model = old.get_model("standards", "StandardVersion")
        assessment_model = old.get_model("assessments", "Assessment")
        assignment_model = old.get_model("reviews", "Assignment")
        validation_model = old.get_model("reviews", "Validation")
        answer_model = old.get_model("assessments", "Answer")
        criterion_model = old.get_model("standards", "Criterion")
        area_model = old.get_model("standards", "PracticeArea")

        def city(n: int) -> object:
            return city_model.objects.create(
                name=f"Town {n}",
                slug=f"town-{n}",
                country="US",
                latitude=0,
                longitude=0,
                gazetteer_id=f"test:{n}",
            )

        def person(n: int) -> object:
            return user_model.objects.create(email=f"r{n}@example.org")

        standard = standard_model.objects.create(
            code="2022",
            label={"en": "2022"},
            status="current",
            open_for_assessments=True,
            effective_from=dt.date(2022, 8, 1),
        )
        area = area_model.objects.create(version=standard, code="DM", name={"en": "DM"}, position=1)
        dm1 = criterion_model.objects.create(
            version=standard, area=area, code="DM1", title={"en": "DM1"}, position=1
        )
        now = timezone.now()
        # A city with a draft and a decided assessment: the reviewer goes to the decided one.
        reviewed = city(1)
        decided = assessment_model.objects.create(city=reviewed, standard=standard, state="decided")
        assessment_model.objects.create(city=reviewed, standard=standard, state="draft")
        declared = assignment_model.objects.create(
            city=reviewed, reviewer=person(1), conflict=False, declared_at=now
        )
        # Assigned from the queue already: stays where it is.
        queued = assignment_model.objects.create(
            city=reviewed, reviewer=person(2), assessment=decided, conflict=None
        )
        # A conflict declared on a city with only a draft.
        drafting = city(2)
        draft = assessment_model.objects.create(city=drafting, standard=standard, state="draft")
        conflicted = assignment_model.objects.create(
            city=drafting, reviewer=person(3), conflict=True, conflict_note="Former employee"
        )
        # A conflict declared on a city that has no assessment at all.
        empty = city(3)
        orphan_reviewer = person(4)
        assignment_model.objects.create(
            city=empty, reviewer=orphan_reviewer, conflict=True, conflict_note="Consultant"
        )
        assignment_model.objects.create(city=empty, reviewer=person(5), conflict=None)
        # Verdicts already given: the finding they make is recorded on the answer.
        answer = answer_model.objects.create(
            assessment=decided, criterion=dm1, status="claimed", items=["a"]
        )
        for reviewer in (declared.reviewer, queued.reviewer):
            validation_model.objects.create(answer=answer, reviewer=reviewer, verdict="validated")

        new = migrate(latest)
        assignment_model = new.get_model("reviews", "Assignment")
        conflict_model = new.get_model("reviews", "Conflict")
        answer_model = new.get_model("assessments", "Answer")
        moved = {
            a.reviewer_id: (a.assessment_id, a.conflict, a.conflict_note, a.declared_at)
            for a in assignment_model.objects.all()
        }
        assert moved == {
            declared.reviewer_id: (decided.pk, False, "", declared.declared_at),
            queued.reviewer_id: (decided.pk, None, "", None),
            conflicted.reviewer_id: (draft.pk, True, "Former employee", None),
        }
        assert set(conflict_model.objects.values_list("reviewer_id", "city_id", "note")) == {
            (conflicted.reviewer_id, drafting.pk, "Former employee"),
            (orphan_reviewer.pk, empty.pk, "Consultant"),
        }
        assert answer_model.objects.get(pk=answer.pk).finding == "validated"
    finally:
        migrate(latest)
