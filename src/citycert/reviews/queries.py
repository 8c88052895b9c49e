"""Reads of published certifications: only what has been announced is ever shown."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from .history import cities_certified_to_date
from .models import Certification, Cohort, Decision


def published_cohorts() -> QuerySet[Cohort]:
    return Cohort.objects.filter(published_at__isnull=False)


def published_cohort(label: str) -> Cohort:
    cohort = published_cohorts().filter(label=label).first()
    if cohort is None:
        raise Http404("No such cohort")
    return cohort


def cohort_certifications(cohort: Cohort) -> list[Certification]:
    return list(
        cohort.certifications.filter(published_at__isnull=False, superseded_by__isnull=True)
        .select_related("city", "standard")
        .order_by("city__name")
    )


def cohort_summary(cohort: Cohort) -> dict[str, Any]:
    """A published cohort as announcements group it, and as its JSON says it."""
    certifications = cohort_certifications(cohort)
    by_event: dict[str, list[Certification]] = {e.value: [] for e in Certification.Event}
    for cert in certifications:
        by_event[cert.event].append(cert)
    return {
        "cohort": cohort,
        "certifications": certifications,
        "platinum": [c for c in certifications if c.level == "platinum"],
        "new_by_level": [
            (level, [c for c in by_event["new"] if c.level == level])
            for level in ("gold", "silver", "")
            if any(c.level == level for c in by_event["new"])
        ],
        "level_up": [c for c in by_event["level_up"] if c.level != "platinum"],
        "level_down": by_event["level_down"],
        "recertified": [c for c in by_event["recertified"] if c.level != "platinum"],
        "by_event": by_event,
        "to_date": cities_certified_to_date(cohort),
        "honor_roll": honor_roll(cohort),
    }


def honor_roll(cohort: Cohort) -> list[Any]:
    """Cities not certified in this cohort but close to Silver, that agreed to be named."""
    return [
        d.assessment.city
        for d in Decision.objects.filter(
            cohort=cohort,
            level="",
            silver_gap__lte=settings.HONOR_ROLL_MAX_GAP,
            assessment__city__honor_roll_opt_in=True,
        )
        .select_related("assessment__city")
        .order_by("assessment__city__name")
    ]


def cohort_json(cohort: Cohort) -> dict[str, Any]:
    summary = cohort_summary(cohort)

    def item(cert: Certification) -> dict[str, Any]:
        return {
            "city": cert.city.name,
            "admin_area": cert.city.admin_area,
            "country": cert.city.country,
            "level": cert.level or None,
            "standard": cert.standard.code,
            "slug": cert.city.slug,
        }

    return {
        "cohort": cohort.label,
        **{event: [item(c) for c in certs] for event, certs in summary["by_event"].items()},
        "cities_certified_to_date": summary["to_date"],
        "honor_roll": [
            {"city": city.name, "admin_area": city.admin_area, "country": city.country}
            for city in summary["honor_roll"]
        ],
    }
