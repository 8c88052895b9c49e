"""Reads about people, teams and the audit trail, with bounded queries."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.db.models import QuerySet

from citycert.cities.models import City

from .models import CoachGrant, Membership, User


def team(city: City) -> QuerySet[Membership]:
    return city.memberships.select_related("user").order_by("-role", "user__email")


def active_coaches(city: City) -> QuerySet[CoachGrant]:
    return city.coach_grants.filter(revoked_at__isnull=True).select_related("coach")


def dashboard(user: User) -> dict[str, Any]:
    """What a person sees on 'My cities'. Reviewers' work is read through the relations the
    reviews app declares on the user (review_assignments, panels), not by importing it."""
    return {
        "memberships": user.memberships.select_related("city").order_by("city__name"),
        "coaching": user.coach_grants.filter(revoked_at__isnull=True).select_related("city"),
        "reviewing": user.review_assignments.select_related(
            "assessment__city", "assessment__standard"
        ).order_by("-assessment__created_at", "assessment__city__name"),
        "panels": user.panels.filter(appeal__decided_at__isnull=True).select_related(
            "appeal__assessment__city"
        ),
        "notifications": user.notifications.select_related("city")[:10],
        # Data snapshots the person took, newest first (the relation assessments declares).
        "snapshots": user.snapshots.select_related("city")[:20],
        # The same for a request to lead a city without a team as for one to join a team.
        "requests": user.city_requests.filter(status="pending").select_related("city"),
        "network": getattr(user, "network_membership", None)
        if hasattr(user, "network_membership")
        else None,
    }


def audit_trail(
    *, city: City | None = None, person: User | None = None, kind: str = ""
) -> QuerySet[Any]:
    """Recorded changes and downloads (`kind`: "changes" or "reads" for one of them), newest
    first, optionally about one city or made by one person."""
    entries: QuerySet[Any] = LogEntry.objects.select_related("actor", "content_type").order_by(
        "-timestamp"
    )
    if city is not None:
        entries = entries.filter(additional_data__city_id=city.pk)
    if person is not None:
        entries = entries.filter(actor=person)
    if kind == "reads":
        entries = entries.filter(action=LogEntry.Action.ACCESS)
    elif kind == "changes":
        entries = entries.exclude(action=LogEntry.Action.ACCESS)
    return entries
