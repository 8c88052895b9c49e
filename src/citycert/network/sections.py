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


def register_own() -> None:
    register_digest("network.new_certifications", new_certifications)
    register_digest("network.new_members", new_members)
    register_portfolio("network.expiring", expiring)
    register_portfolio("network.stalled", stalled)
