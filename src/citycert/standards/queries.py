"""Reads of the Standard for pages, with a bounded number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from citycert.scoring import CriterionSpec, StandardSpec

from .models import Criterion, PracticeArea, StandardVersion


def versions() -> QuerySet[StandardVersion]:
    """Every loaded version, newest first, with its number of listed criteria."""
    return StandardVersion.objects.annotate(listed=Count("criteria")).prefetch_related(
        "level_rules"
    )


def version_with_criteria(code: str) -> StandardVersion:
    """One version with its levels, outcome gate, areas and criteria (in 8 queries)."""
    criteria = Criterion.objects.order_by("position").prefetch_related(
        "checklist_items",
        "required_documents",
        Prefetch("prerequisites", Criterion.objects.order_by("position")),
    )
    try:
        return (
            StandardVersion.objects.annotate(listed=Count("criteria"))
            .prefetch_related(
                "level_rules",
                "outcome_options",
                Prefetch(
                    "practice_areas",
                    PracticeArea.objects.order_by("position").prefetch_related(
                        Prefetch("criteria", criteria)
                    ),
                ),
            )
            .get(code=code)
        )
    except StandardVersion.DoesNotExist:
        raise Http404("No such standard version") from None


_specs: dict[tuple[int, str], StandardSpec] = {}


def scoring_spec(version: StandardVersion) -> StandardSpec:
    """The scoring engine's view of a loaded version, built from its rows once per load."""
    key = (version.pk, version.loaded_at.isoformat())
    spec = _specs.get(key)
    if spec is None:
        criteria = (
            Criterion.objects.filter(version=version)
            .select_related("area")
            .prefetch_related("checklist_items", "prerequisites")
            .order_by("position")
        )
        spec = StandardSpec(
            version=version.code,
            areas=tuple(version.practice_areas.order_by("position").values_list("code", flat=True)),
            criteria=tuple(
                CriterionSpec(
                    code=c.code,
                    area=c.area.code,
                    items=tuple(i.key for i in c.checklist_items.all()) or ("met",),
                    required=c.required_items or 1,
                    prerequisites=tuple(sorted(p.code for p in c.prerequisites.all())),
                    not_applicable_allowed=c.not_applicable_allowed,
                )
                for c in criteria
            ),
            levels=tuple(rule.as_threshold() for rule in version.level_rules.order_by("position")),
            outcome_options=tuple(
                version.outcome_options.order_by("position").values_list("code", flat=True)
            ),
            outcome_required=version.outcome_gate_required,
            criteria_count=version.criteria_count,
        )
        _specs[key] = spec
    return spec
