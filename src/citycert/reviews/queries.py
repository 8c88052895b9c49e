"""Reads for the certification team (the review queue) and of published certifications: only
what has been announced is ever shown in public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from citycert.assessments.models import Answer, Assessment

from . import renewal
from .history import cities_certified_to_date
from .models import (
    Appeal,
    Assignment,
    Certification,
    Clarification,
    Cohort,
    Decision,
    Panelist,
    Validation,
)


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
        "not_recertified": by_event["not_recertified"],
        "awards": [c for c in certifications if c.is_award],
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


def review_queue(
    *, state: str = "", standard: str = "", country: str = "", older_than: int | None = None
) -> QuerySet[Any]:
    """Submitted assessments, oldest submission first, with their reviewers and open
    clarifications (as `open_clarifications`). Without a known `state`, decided ones are left
    out."""
    items = (
        Assessment.objects.exclude(state=Assessment.State.DRAFT)
        .select_related("city", "standard")
        .prefetch_related(
            Prefetch("assignments", Assignment.objects.select_related("reviewer")),
            Prefetch(
                "clarifications",
                Clarification.objects.filter(answered_at__isnull=True),
                to_attr="open_clarifications",
            ),
        )
        .order_by("submitted_at", "pk")
    )
    if state in Assessment.State.values:
        items = items.filter(state=state)
    else:
        items = items.filter(state__in=Assessment.REVIEW_STATES)
    if standard:
        items = items.filter(standard__code=standard)
    if country:
        items = items.filter(city__country=country.upper()[:2])
    if older_than is not None:
        items = items.filter(submitted_at__lte=timezone.now() - dt.timedelta(days=older_than))
    return items


def appeals(*, open_only: bool = True) -> QuerySet[Appeal]:
    """Appeals, oldest first, with their city, decision and panel."""
    found = (
        Appeal.objects.select_related("assessment__city", "assessment__standard", "decision")
        .prefetch_related(Prefetch("panel", Panelist.objects.select_related("reviewer")))
        .order_by("lodged_at", "pk")
    )
    return found.filter(decided_at__isnull=True) if open_only else found


def renewals(today: dt.date, days: int = 180) -> list[renewal.Renewal]:
    """Current awards that end within `days` days, or ended within the last `days` days (in
    their grace period, or expired), soonest first."""
    return [
        r
        for r in renewal.standings(
            today=today, ending=(today - dt.timedelta(days=days), today + dt.timedelta(days=days))
        )
        if r.certification.valid_until is not None
        and abs((r.certification.valid_until - today).days) <= days
    ]


# The reviewer's workspace -----------------------------------------------------------------

#: The workspace's filters, by the value of its `show` parameter.
WORKSPACE_FILTERS = ("all", "claimed", "disagreed", "clarify")


@dataclass(frozen=True)
class WorkspaceRow:
    """One criterion of the assessment as its reviewer works on it: the city's answer and
    the reviewer's own verdict on it (None until they give one)."""

    answer: Answer
    mine: Validation | None

    @property
    def code(self) -> str:
        return str(self.answer.criterion.code)

    @property
    def claimed(self) -> bool:
        return self.answer.status == Answer.Status.CLAIMED

    @property
    def decided(self) -> bool:
        """A claim the reviewer has validated or not (a question to the city is not yet)."""
        return self.mine is not None and self.mine.verdict != Validation.Verdict.CLARIFY

    @property
    def disagrees(self) -> bool:
        """The reviewer's verdict differs from the city's claim that the criterion is met."""
        return self.mine is not None and self.mine.verdict != Validation.Verdict.VALIDATED

    @property
    def needs_clarification(self) -> bool:
        return self.mine is not None and self.mine.verdict == Validation.Verdict.CLARIFY

    def shown_by(self, show: str) -> bool:
        return {
            "claimed": self.claimed,
            "disagreed": self.disagrees,
            "clarify": self.needs_clarification,
        }.get(show, True)


@dataclass(frozen=True)
class AreaProgress:
    area: Any
    rows: list[WorkspaceRow]

    @property
    def claimed(self) -> int:
        return sum(r.claimed for r in self.rows)

    @property
    def decided(self) -> int:
        return sum(r.decided for r in self.rows if r.claimed)


def workspace(assessment: Assessment, reviewer: Any) -> list[WorkspaceRow]:
    """Every criterion of the assessment in the Standard's order, with its practice area,
    checklist, evidence files and the reviewer's own verdict: a fixed number of queries,
    however many criteria there are."""
    answers = (
        Answer.objects.filter(assessment=assessment)
        .select_related("criterion__area")
        .prefetch_related(
            "criterion__checklist_items",
            "evidence",
            Prefetch(
                "validations",
                Validation.objects.filter(reviewer=reviewer, settled=False),
                to_attr="mine",
            ),
        )
        .order_by("criterion__position")
    )
    return [WorkspaceRow(a, a.mine[0] if a.mine else None) for a in answers]


def by_area(rows: list[WorkspaceRow]) -> list[AreaProgress]:
    """The rows grouped by practice area, in the Standard's order."""
    groups: dict[int, AreaProgress] = {}
    for row in rows:
        area = row.answer.criterion.area
        groups.setdefault(area.pk, AreaProgress(area, [])).rows.append(row)
    return list(groups.values())
