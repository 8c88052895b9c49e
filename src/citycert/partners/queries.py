"""Reads for partners: engagements by city and by person, who coaches a city, and an
engagement's progress on the criteria it targets, read from the city's assessments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import CoachingSession, Engagement, Staff

if TYPE_CHECKING:
    from citycert.accounts.models import User
    from citycert.assessments.models import Assessment
    from citycert.cities.models import City


def open_engagements(cities: Iterable[Any]) -> QuerySet[Engagement]:
    """The open (accepted, not closed) engagements of these cities (City rows or ids), with
    their organisation: count them per city with `.values("city").annotate(...)`."""
    ids = [c if isinstance(c, int) else c.pk for c in cities]
    return Engagement.objects.open().filter(city_id__in=ids).select_related("organisation")


def of_city(city: City) -> QuerySet[Engagement]:
    """All engagements of the city, newest first, with their partner and session counts."""
    return (
        city.engagements.select_related("organisation")
        .annotate(session_count=Count("sessions"))
        .order_by("-invited_at")
    )


def of_staff(user: User) -> QuerySet[Engagement]:
    """The engagements of every organisation the person works for now, newest first."""
    return (
        Engagement.objects.of_staff(user)
        .select_related("organisation", "city")
        .annotate(session_count=Count("sessions", distinct=True))
        .order_by("-invited_at")
    )


def coached_cities(user: User) -> QuerySet[Engagement]:
    """The open engagements through which the person coaches a city now."""
    return Engagement.objects.open().of_staff(user).select_related("city", "organisation")


def staff_organisation_ids(user: Any) -> set[int]:
    """The organisations the person works for now."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Staff.objects.filter(user=user, left_at__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )


def coaches_of(city: City) -> list[User]:
    """Every active person who coaches the city now: the current staff of its open partners."""
    from citycert.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            partner_staff__left_at__isnull=True,
            partner_staff__organisation__engagements__city=city,
            partner_staff__organisation__engagements__state=Engagement.State.ACCEPTED,
        )
        .distinct()
        .order_by("email")
    )


def sessions(engagement: Engagement) -> QuerySet[CoachingSession]:
    """The engagement's sessions, newest first, with who attended and the criteria."""
    return engagement.sessions.select_related("logged_by").prefetch_related(
        "attendees", Prefetch("criteria", to_attr="criteria_list")
    )


#: What a targeted criterion's answer in an assessment says, in a word.
UNANSWERED = "unanswered"
CLAIMED = "claimed"
MET = "met"
NOT_MET = "not_met"
STATUS_LABELS = {
    UNANSWERED: _("Not answered"),
    CLAIMED: _("Claimed"),
    MET: _("Met"),
    NOT_MET: _("Not met"),
}


@dataclass(frozen=True)
class Cell:
    status: str

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class ProgressRow:
    """One assessment of the city and each targeted criterion's status in it (None where the
    assessment's standard has no criterion with that code)."""

    assessment: Assessment
    cells: list[Cell | None]


def _status(answer_status: str, finding: str, decided: bool) -> str:
    if decided:
        # Once decided, what the review found counts: met only if validated.
        return MET if answer_status == "claimed" and finding == "validated" else NOT_MET
    if answer_status == "claimed":
        return CLAIMED
    if answer_status == "not_met":
        return NOT_MET
    return UNANSWERED


def progress(engagement: Engagement) -> tuple[list[Any], list[ProgressRow]]:
    """The targeted criteria, and for each assessment of the city, oldest first, each one's
    status: claimed (the city says it meets it, not reviewed yet), met or not met (after the
    decision, as the review found; before it, as the city answered), not answered. Two
    queries, however many assessments and criteria."""
    from citycert.assessments.models import Answer

    criteria = sorted(engagement.criteria.all(), key=lambda c: (c.code, c.pk))
    codes = [c.code for c in criteria]
    assessments = list(
        engagement.city.assessments.select_related("standard").order_by("created_at")
    )
    found: dict[tuple[int, str], tuple[str, str]] = {}
    if codes and assessments:
        for assessment_id, code, status, finding in Answer.objects.filter(
            assessment__in=assessments, criterion__code__in=codes
        ).values_list("assessment_id", "criterion__code", "status", "finding"):
            found[(assessment_id, code)] = (status, finding)
    rows = []
    for assessment in assessments:
        cells: list[Cell | None] = []
        for code in codes:
            answer = found.get((assessment.pk, code))
            cells.append(None if answer is None else Cell(_status(*answer, assessment.is_decided)))
        rows.append(ProgressRow(assessment, cells))
    return criteria, rows


def criteria_for(city: City) -> QuerySet[Any]:
    """The criteria a city may target: those of the standard version of its latest assessment,
    or, before its first, of every version open for assessments."""
    from citycert.standards.models import Criterion

    latest = city.assessments.order_by("-created_at").values_list("standard_id", flat=True).first()
    found = (
        Criterion.objects.filter(version_id=latest)
        if latest
        else Criterion.objects.filter(version__open_for_assessments=True)
    )
    return found.order_by("version__code", "position")


def session_criteria(engagement: Engagement) -> QuerySet[Any]:
    """The criteria a session may be about: those of the targeted criteria's standard versions,
    or the city's (`criteria_for`) when it targets none."""
    from citycert.standards.models import Criterion

    versions = list(engagement.criteria.values_list("version_id", flat=True).distinct())
    if not versions:
        return criteria_for(engagement.city)
    return Criterion.objects.filter(version_id__in=versions).order_by("version__code", "position")


def city_people(city: City) -> QuerySet[Any]:
    """The people of the city's team, who may have attended a session."""
    from citycert.accounts.models import User

    return User.objects.filter(memberships__city=city).order_by("name", "email")
