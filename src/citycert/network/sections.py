"""What other apps add to the network's weekly digest and to a portfolio's page and export.

The network owns the digest and the portfolio page, but resources, events and engagements are
owned by other apps. Each registers a *source* when it starts (in its AppConfig.ready), as the
city home does (accounts/home.py); this module never imports them.

- A digest source is `source(since, until) -> DigestSection | None`: what is new between the two
  moments (published resources, upcoming events...). Only network members receive the digest,
  so a section must hold nothing that is not for every member.
- A portfolio source is `source(portfolio, cities, today) -> Section | None`, where `cities` are
  the portfolio's *consenting* cities only: the section must show nothing about any other city.
- A column source adds columns to the per-city rows of the portfolio's CSV export and API:
  `register_columns(name, columns, source)` with `source(city_ids) -> {city_id: {column: value}}`.

The network registers its own sections here too (`register_own`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citycert.accounts.home import Section

__all__ = ["DigestItem", "DigestSection", "Section"]


@dataclass(frozen=True)
class DigestItem:
    title: str
    link: str = ""  # a path on this site
    text: str = ""


@dataclass(frozen=True)
class DigestSection:
    title: Any  # translatable (lazy): rendered in each recipient's language
    items: Sequence[DigestItem] = field(default_factory=tuple)
    order: int = 50  # lower comes first


DigestSource = Callable[[dt.datetime, dt.datetime], "DigestSection | None"]
PortfolioSource = Callable[[Any, Sequence[Any], dt.date], "Section | None"]
ColumnSource = Callable[[Sequence[int]], dict[int, dict[str, Any]]]

_digest: dict[str, DigestSource] = {}
_portfolio: dict[str, PortfolioSource] = {}
_columns: dict[str, tuple[tuple[str, ...], ColumnSource]] = {}


def register_digest(name: str, source: DigestSource) -> None:
    """Add (or replace, by name) a section of the weekly digest."""
    _digest[name] = source


def register_portfolio(name: str, source: PortfolioSource) -> None:
    """Add (or replace, by name) a section of the portfolio page."""
    _portfolio[name] = source


def register_columns(name: str, columns: Sequence[str], source: ColumnSource) -> None:
    """Add (or replace, by name) columns of the portfolio's per-city rows (CSV and API)."""
    _columns[name] = (tuple(columns), source)


def unregister(name: str) -> None:
    """Remove a source of every kind by its name (tests)."""
    _digest.pop(name, None)
    _portfolio.pop(name, None)
    _columns.pop(name, None)


def digest_sections(since: dt.datetime, until: dt.datetime) -> list[DigestSection]:
    """Every source's section with something in it, in order."""
    found = (source(since, until) for source in _digest.values())
    return sorted((s for s in found if s is not None and s.items), key=lambda s: s.order)


def portfolio_sections(portfolio: Any, cities: Sequence[Any], today: dt.date) -> list[Section]:
    found = (source(portfolio, cities, today) for source in _portfolio.values())
    return sorted((s for s in found if s is not None), key=lambda s: s.order)


def extra_columns() -> tuple[str, ...]:
    return tuple(c for columns, _source in _columns.values() for c in columns)


def extra_values(city_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each city's values of the registered columns (missing ones empty)."""
    found: dict[int, dict[str, Any]] = {pk: {} for pk in city_ids}
    for columns, source in _columns.values():
        values = source(city_ids) if city_ids else {}
        for pk in city_ids:
            given = values.get(pk, {})
            found[pk].update({c: given.get(c, "") for c in columns})
    return found


# The network's own sections ---------------------------------------------------------------


def new_members(since: dt.datetime, until: dt.datetime) -> DigestSection | None:
    """People who listed themselves in the members' directory."""
    from .queries import directory_rows

    rows = directory_rows(listed_between=(since, until))
    items = [
        DigestItem(
            title=row.name,
            link=reverse("network:directory"),
            text=" · ".join(x for x in (row.role, ", ".join(c.name for c in row.cities)) if x),
        )
        for row in rows
    ]
    return DigestSection(_("New in the members' directory"), items, order=80)


def new_certifications(since: dt.datetime, until: dt.datetime) -> DigestSection | None:
    """Cities whose certification was announced (public already)."""
    from citycert.reviews.models import Certification
    from citycert.standards.models import level_name

    certs = (
        Certification.objects.filter(
            published_at__gte=since, published_at__lt=until, superseded_by__isnull=True
        )
        .exclude(level="")
        .select_related("city")
        .order_by("city__name")
    )
    items = [
        DigestItem(
            title=c.city.name,
            link=reverse("public:profile", args=[c.city.slug]),
            text=level_name(c.level),
        )
        for c in certs
    ]
    return DigestSection(_("Newly certified cities"), items, order=70)


def expiring(portfolio: Any, cities: Sequence[Any], today: dt.date) -> Section | None:
    from .queries import EXPIRING_DAYS, expiring_certifications

    return Section(
        "network/_portfolio_expiring.html",
        {"rows": expiring_certifications(cities, today), "days": EXPIRING_DAYS},
        order=30,
    )


def stalled(portfolio: Any, cities: Sequence[Any], today: dt.date) -> Section | None:
    from .queries import STALLED_DAYS, stalled_assessments

    return Section(
        "network/_portfolio_stalled.html",
        {"rows": stalled_assessments(cities, today), "days": STALLED_DAYS},
        order=40,
    )


def city_home(request: Any, access: Any, city: Any) -> Section | None:
    """On the city's home, for its lead: where to answer portfolios. It reads nothing (the
    home's queries stay bounded); the lead is emailed when a portfolio asks for the city."""
    from citycert.accounts.policy import Action

    if not access.can(Action.ANSWER_PORTFOLIO):
        return None
    return Section("network/_home_portfolios.html", {"city": city}, order=70)


# What the network reads from the apps below it: learning resources, events, engagements.

#: How far ahead the digest looks for events.
DIGEST_EVENTS_DAYS = 21
#: How far back a portfolio counts the events its cities' people attended.
ATTENDANCE_DAYS = 365


def new_resources(since: dt.datetime, until: dt.datetime) -> DigestSection | None:
    """Learning resources published in the week (members receive the digest: members-only
    resources are theirs too)."""
    from citycert.learning.models import Resource, State

    found = Resource.objects.filter(
        state=State.PUBLISHED, published_at__gte=since, published_at__lt=until
    ).order_by("published_at", "pk")
    items = [
        DigestItem(title=r.title, link=reverse("learning:detail", args=[r.pk]), text=r.summary)
        for r in found
    ]
    return DigestSection(_("New learning resources"), items, order=20)


def upcoming_events(since: dt.datetime, until: dt.datetime) -> DigestSection | None:
    """Events starting in the weeks after the digest, not cancelled."""
    from citycert.events.models import Event

    found = Event.objects.filter(
        state=Event.State.SCHEDULED,
        starts_at__gte=until,
        starts_at__lt=until + dt.timedelta(days=DIGEST_EVENTS_DAYS),
    ).order_by("starts_at", "pk")
    items = [
        DigestItem(title=e.title, link=reverse("events:detail", args=[e.pk]), text=e.when)
        for e in found
    ]
    return DigestSection(_("Upcoming events"), items, order=30)


def engagements(portfolio: Any, cities: Sequence[Any], today: dt.date) -> Section | None:
    """The consenting cities' open coaching engagements, with their sessions so far."""
    from django.db.models import Count

    from citycert.partners.queries import open_engagements

    rows = (
        open_engagements(cities)
        .select_related("city")
        .annotate(session_count=Count("sessions"))
        .order_by("city__name", "organisation__name")
    )
    return Section("network/_portfolio_engagements.html", {"rows": list(rows)}, order=50)


def _attendance(city_ids: Sequence[int], today: dt.date) -> dict[int, dict[str, int]]:
    """For each city: events its people attended in the last ATTENDANCE_DAYS days, and seats
    they hold at events to come. A person of two cities counts for both."""
    from django.db.models import Count, Q

    from citycert.accounts.models import Membership
    from citycert.events.models import Event, Registration

    now = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    rows = (
        Membership.objects.filter(city_id__in=list(city_ids))
        .values("city_id")
        .annotate(
            attended=Count(
                "user__event_registrations",
                filter=Q(
                    user__event_registrations__attended=True,
                    user__event_registrations__event__starts_at__gte=now
                    - dt.timedelta(days=ATTENDANCE_DAYS),
                ),
            ),
            upcoming=Count(
                "user__event_registrations",
                filter=Q(
                    user__event_registrations__state=Registration.State.REGISTERED,
                    user__event_registrations__event__starts_at__gte=now,
                    user__event_registrations__event__state=Event.State.SCHEDULED,
                ),
            ),
        )
        .order_by()
    )
    return {r["city_id"]: {"attended": r["attended"], "upcoming": r["upcoming"]} for r in rows}


def attendance(portfolio: Any, cities: Sequence[Any], today: dt.date) -> Section | None:
    found = _attendance([c.pk for c in cities], today)
    rows = [
        (city, found.get(city.pk, {}).get("attended", 0), found.get(city.pk, {}).get("upcoming", 0))
        for city in cities
    ]
    return Section(
        "network/_portfolio_attendance.html",
        {"rows": rows, "days": ATTENDANCE_DAYS},
        order=60,
    )


def engagement_columns(city_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    from django.db.models import Count

    from citycert.partners.queries import open_engagements

    counts = open_engagements(city_ids).values("city_id").annotate(n=Count("pk")).order_by()
    return {r["city_id"]: {"open_engagements": r["n"]} for r in counts}


def attendance_columns(city_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    from django.utils import timezone

    found = _attendance(city_ids, timezone.localdate())
    return {pk: {"events_attended": v["attended"]} for pk, v in found.items()}


def register_own() -> None:
    register_digest("network.new_certifications", new_certifications)
    register_digest("network.new_members", new_members)
    register_digest("learning.new_resources", new_resources)
    register_digest("events.upcoming", upcoming_events)
    register_portfolio("network.expiring", expiring)
    register_portfolio("network.stalled", stalled)
    register_portfolio("partners.engagements", engagements)
    register_portfolio("events.attendance", attendance)
    register_columns("partners.engagements", ["open_engagements"], engagement_columns)
    register_columns("events.attendance", ["events_attended"], attendance_columns)
