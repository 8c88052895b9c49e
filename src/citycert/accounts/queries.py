"""Reads about people, teams and the audit trail, with bounded queries."""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from django.db.models import QuerySet

from citycert.cities.models import City

from .models import Membership, User


def team(city: City) -> QuerySet[Membership]:
    return city.memberships.select_related("user").order_by("-role", "user__email")


def open_engagements(city: City) -> QuerySet[Any]:
    """The partner organisations coaching the city now (the engagements partners declares)."""
    return city.engagements.open().select_related("organisation").order_by("organisation__name")


def dashboard(user: User) -> dict[str, Any]:
    """What a person sees on 'My cities'. Reviewers' work is read through the relations the
    reviews app declares on the user (review_assignments, panels), not by importing it."""
    return {
        "memberships": user.memberships.select_related("city").order_by("city__name"),
        # Open engagements of the partner organisations the person works for now, and the
        # invitations waiting for their answer.
        "coaching": _coaching(user),
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


def _coaching(user: User) -> list[Any]:
    from citycert.partners.models import Engagement

    return list(
        Engagement.objects.live()
        .of_staff(user)
        .select_related("city", "organisation")
        .order_by("city__name")
    )
