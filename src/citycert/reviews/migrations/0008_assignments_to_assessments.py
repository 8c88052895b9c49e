from typing import Any

from django.db import migrations

# Assignments used to belong to a city (and, from the review queue, to its assessment). Each now
# belongs to one assessment: a city-level one goes to the city's latest assessment that was
# submitted (the one a reviewer would read), else its latest assessment of any state. A city
# with no assessment at all has nothing to review: a declared conflict there is kept as a
# standing Conflict (so the reviewer is not given the city later); an assignment without a
# declaration, or with "no conflict" about a review that never existed, has nothing to keep.
SUBMITTED_STATES = ("submitted", "in_review", "decided")


def attach_assignments_to_assessments(apps: Any, schema_editor: Any) -> None:
    Assignment = apps.get_model("reviews", "Assignment")
    Assessment = apps.get_model("assessments", "Assessment")
    Conflict = apps.get_model("reviews", "Conflict")
    for assignment in Assignment.objects.filter(assessment__isnull=True).order_by("pk"):
        if assignment.conflict:
            Conflict.objects.get_or_create(
                reviewer_id=assignment.reviewer_id,
                city_id=assignment.city_id,
                defaults={
                    "note": assignment.conflict_note,
                    "declared_at": assignment.declared_at or assignment.assigned_at,
                },
            )
        candidates = Assessment.objects.filter(city_id=assignment.city_id).order_by(
            "-created_at", "-pk"
        )
        target = candidates.filter(state__in=SUBMITTED_STATES).first() or candidates.first()
        if target is None:
            assignment.delete()
            continue
        assignment.assessment = target
        assignment.save(update_fields=["assessment"])
    for assignment in Assignment.objects.filter(conflict=True, assessment__isnull=False):
        Conflict.objects.get_or_create(
            reviewer_id=assignment.reviewer_id,
            city_id=assignment.city_id,
            defaults={
                "note": assignment.conflict_note,
                "declared_at": assignment.declared_at or assignment.assigned_at,
            },
        )


def record_findings(apps: Any, schema_editor: Any) -> None:
    """What the review found of each claim, from the verdicts so far: the settled verdict, or
    the reviewers' when they agree (as reviews.services.Standing says)."""
    Validation = apps.get_model("reviews", "Validation")
    Answer = apps.get_model("assessments", "Answer")
    verdicts: dict[int, list[tuple[str, bool]]] = {}
    for answer_id, verdict, settled in Validation.objects.values_list(
        "answer_id", "verdict", "settled"
    ):
        verdicts.setdefault(answer_id, []).append((verdict, settled))
    for answer_id, found in verdicts.items():
        settled = [v for v, s in found if s]
        own = {v for v, s in found if not s}
        final = settled[0] if settled else (own.pop() if len(own) == 1 else None)
        if final in ("validated", "not_validated"):
            Answer.objects.filter(pk=answer_id, status="claimed").update(finding=final)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_states_findings_and_transitions"),
        ("reviews", "0007_appeals_rules_and_conflicts"),
    ]

    operations = [
        migrations.RunPython(attach_assignments_to_assessments, migrations.RunPython.noop),
        migrations.RunPython(record_findings, migrations.RunPython.noop),
    ]
