"""Reads of the Standard for pages, with a bounded number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

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
