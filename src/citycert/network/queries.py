"""Reads of the network: the members' directory, and a portfolio's page, export and API rows.

A portfolio's reads take its *consenting* cities only (`consenting`); every other function
here is given those cities and reads nothing about any other city, except the program-wide and
peer distributions, which are anonymous counts shown only over groups of `MIN_GROUP` cities or
more. Each function runs a fixed number of queries, whatever the number of cities.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from citycert.accounts.models import Membership, User
from citycert.assessments.models import Answer, Assessment
from citycert.assessments.network import members
from citycert.cities.models import City
from citycert.reviews import renewal
from citycert.standards.models import Criterion, PracticeArea, StandardVersion, level_name

from .models import MemberProfile, Portfolio, PortfolioCity

#: Certifications ending within this many days are listed as expiring.
EXPIRING_DAYS = 180
#: An assessment in progress with no answer saved for this many days is stalled.
STALLED_DAYS = 60
#: Distributions over fewer cities than this are not shown (no city can be singled out).
MIN_GROUP = 5
#: The criteria with the most improvement potential: how many are listed.
TOP_CRITERIA = 10
#: The languages people can say they speak (codes Django names in every language).
LANGUAGES = ("en", "es", "pt", "fr", "de", "it", "nl", "pl", "ar", "zh-hans", "ja", "ko", "hi")


# The members' directory -------------------------------------------------------------------


def topic_choices() -> list[tuple[str, Any]]:
    """The topics people tag themselves with: the current Standard's practice areas."""
    version = StandardVersion.objects.filter(status=StandardVersion.Status.CURRENT).first()
    if version is None:
        return []
    return [
        (a.code, a.name) for a in PracticeArea.objects.filter(version=version).order_by("position")
    ]


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(get_language_info(code)["name_translated"])) for code in LANGUAGES]


@dataclass(frozen=True)
class DirectoryRow:
    name: str
    role: str
    cities: list[City]
    topics: list[str]
    languages: list[str]
    email: str  # only when the person chose to show it


def _listed() -> QuerySet[MemberProfile]:
    return MemberProfile.objects.filter(
        listed=True, user__is_active=True, user__in=members().values("pk")
    )


def directory_rows(
    *,
    topic: str = "",
    language: str = "",
    country: str = "",
    listed_between: tuple[dt.datetime, dt.datetime] | None = None,
) -> list[DirectoryRow]:
    """The listed network members (only those who opted in), filtered; two queries."""
    found = _listed()
    if country:
        found = found.filter(user__memberships__city__country=country)
    if listed_between is not None:
        found = found.filter(listed_at__gte=listed_between[0], listed_at__lt=listed_between[1])
    found = found.select_related("user").prefetch_related(
        Prefetch(
            "user__memberships",
            queryset=Membership.objects.select_related("city").order_by("city__name"),
        )
    )
    rows = []
    for p in found.distinct().order_by("user__name", "user__pk"):
        # Topics and languages are short lists: filtered here, the same on every database.
        if topic and topic not in p.topics:
            continue
        if language and language not in p.languages:
            continue
        rows.append(
            DirectoryRow(
                name=p.user.name or str(_("A network member")),
                role=p.role,
                cities=[m.city for m in p.user.memberships.all()],
                topics=list(p.topics),
                languages=list(p.languages),
                email=p.user.email if p.show_email else "",
            )
        )
    return rows


def directory_countries() -> list[str]:
    """The countries of listed members' cities (the country filter's choices)."""
    return sorted(
        set(
            Membership.objects.filter(user__member_profile__in=_listed()).values_list(
                "city__country", flat=True
            )
        )
    )


# Portfolios -------------------------------------------------------------------------------


def held_by(user: User, *, every: bool = False) -> QuerySet[Portfolio]:
    """The portfolios the person holds (all of them, for `every`: program admins)."""
    found = Portfolio.objects.all() if every else Portfolio.objects.filter(owners=user)
    return found.annotate(
        consenting=Count("entries", filter=Q(entries__state=PortfolioCity.State.CONSENTED))
    ).order_by("name")


def consenting(portfolio: Portfolio) -> list[City]:
    """The cities that consented to the portfolio and have not withdrawn: the only ones shown."""
    return list(
        City.objects.filter(
            portfolio_entries__portfolio=portfolio,
            portfolio_entries__state=PortfolioCity.State.CONSENTED,
        ).order_by("name", "pk")
    )


def waiting(portfolio: Portfolio) -> int:
    """How many invitations wait for an answer (counted, never named)."""
    return portfolio.entries.filter(state=PortfolioCity.State.INVITED).count()


def city_entries(city: City) -> QuerySet[PortfolioCity]:
    """The portfolios that ask for or hold the city, and those it left or declined."""
    return city.portfolio_entries.select_related("portfolio").order_by("portfolio__name")


@dataclass(frozen=True)
class Counts:
    total: int = 0
    answered: int = 0
    met: int = 0
    last_saved: dt.datetime | None = None

    @property
    def percent_answered(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def percent_met(self) -> int:
        return round(100 * self.met / self.total) if self.total else 0


def latest_assessments(
    city_ids: Iterable[int], states: Sequence[str] | None = None
) -> dict[int, Assessment]:
    """Each city's latest assessment (of these states); one query."""
    found = Assessment.objects.filter(city_id__in=list(city_ids))
    if states is not None:
        found = found.filter(state__in=states)
    latest: dict[int, Assessment] = {}
    for a in found.only("id", "city_id", "state", "created_at", "submitted_at").order_by(
        "city_id", "-created_at", "-pk"
    ):
        latest.setdefault(a.city_id, a)
    return latest


def counts(assessments: Iterable[Assessment]) -> dict[int, Counts]:
    """Per assessment: criteria, answered, met (claimed; validated once decided), and when an
    answer was last saved. One grouped query."""
    decided = {a.pk: a.is_decided for a in assessments}
    if not decided:
        return {}
    claimed = Q(answers__status=Answer.Status.CLAIMED)
    rows = (
        Assessment.objects.filter(pk__in=list(decided))
        .values("pk")
        .annotate(
            total=Count("answers"),
            answered=Count("answers", filter=~Q(answers__status=Answer.Status.UNANSWERED)),
            claimed=Count("answers", filter=claimed),
            validated=Count("answers", filter=claimed & Q(answers__finding="validated")),
            last=Max("answers__updated_at"),
        )
        .order_by()
    )
    return {
        r["pk"]: Counts(
            r["total"],
            r["answered"],
            r["validated"] if decided[r["pk"]] else r["claimed"],
            r["last"],
        )
        for r in rows
    }


@dataclass(frozen=True)
class CityRow:
    """One consenting city on the portfolio's page, export and API."""

    city: City
    level: str  # the current certification's level code, or ""
    level_label: str
    awarded_on: dt.date | None
    valid_until: dt.date | None
    status: str  # the certification's status (valid, renewal due...), or ""
    assessment_state: str  # its latest assessment's state code, or ""
    assessment_label: str
    counts: Counts
    extra: dict[str, Any] = field(default_factory=dict)  # registered columns


def city_rows(cities: Sequence[City], today: dt.date, *, extra: bool = True) -> list[CityRow]:
    """The rows of these (consenting) cities: level and progress, and with `extra` the columns
    other apps register (the export and the API; the page shows those in their sections).
    A fixed number of queries."""
    from .sections import extra_values

    ids = [c.pk for c in cities]
    standing = {r.certification.city_id: r for r in renewal.standings(ids, today=today)}
    latest = latest_assessments(ids)
    done = counts(latest.values())
    registered = extra_values(ids) if extra else {}
    rows = []
    for city in cities:
        held = standing.get(city.pk)
        cert = held.certification if held else None
        current = latest.get(city.pk)
        rows.append(
            CityRow(
                city=city,
                level=cert.level if cert else "",
                level_label=level_name(cert.level) if cert else "",
                awarded_on=cert.awarded_on if cert else None,
                valid_until=cert.valid_until if cert else None,
                status=held.status_label if held else "",
                assessment_state=current.state if current else "",
                assessment_label=str(current.get_state_display()) if current else "",
                counts=done.get(current.pk, Counts()) if current else Counts(),
                extra=registered.get(city.pk, {}),
            )
        )
    return rows


#: The columns of the portfolio's CSV export (then the registered ones).
CSV_COLUMNS = (
    "city",
    "name",
    "country",
    "level",
    "awarded_on",
    "valid_until",
    "certification_status",
    "assessment_state",
    "criteria",
    "answered",
    "met",
    "percent_answered",
    "percent_met",
    "last_saved",
)


def row_record(row: CityRow) -> dict[str, Any]:
    """A row as plain values (the CSV export and the API)."""
    return {
        "city": row.city.slug,
        "name": row.city.name,
        "country": row.city.country,
        "level": row.level,
        "awarded_on": row.awarded_on.isoformat() if row.awarded_on else "",
        "valid_until": row.valid_until.isoformat() if row.valid_until else "",
        "certification_status": row.status,
        "assessment_state": row.assessment_state,
        "criteria": row.counts.total,
        "answered": row.counts.answered,
        "met": row.counts.met,
        "percent_answered": row.counts.percent_answered,
        "percent_met": row.counts.percent_met,
        "last_saved": row.counts.last_saved.date().isoformat() if row.counts.last_saved else "",
        **row.extra,
    }


# Distribution of criteria met --------------------------------------------------------------

#: Bands of the share of criteria met: lower bound (included), upper bound (excluded).
BANDS = ((0, 25), (25, 50), (50, 75), (75, 101))


@dataclass(frozen=True)
class Group:
    label: Any
    cities: int
    shares: list[int] | None  # percent of the group's cities in each band; None: too few


@dataclass(frozen=True)
class Distribution:
    bands: list[str]
    groups: list[Group]


#: The states whose assessments count in the distribution: submitted or decided (drafts are
#: unfinished), the same rule as the peer comparison in reports.
SCORED_STATES = (*Assessment.REVIEW_STATES, *Assessment.DECIDED_STATES)


def distribution(cities: Sequence[City]) -> Distribution:
    """How the share of criteria met spreads over the portfolio's cities, over their peers (the
    other cities of the program in the same countries) and over the whole program. Each city
    counts its latest submitted or decided assessment. Three queries."""
    rows = list(
        Assessment.objects.filter(state__in=SCORED_STATES)
        .order_by("city_id", "-created_at", "-pk")
        .values_list("pk", "city_id", "city__country", "state")
    )
    latest: dict[int, tuple[int, str, str]] = {}
    for pk, city_id, country, state in rows:
        latest.setdefault(city_id, (pk, country, state))
    shares: dict[int, int] = {}
    found = counts(
        Assessment(pk=pk, city_id=city_id, state=state)
        for city_id, (pk, _c, state) in latest.items()
    )
    for city_id, (pk, _country, _state) in latest.items():
        if pk in found and found[pk].total:
            shares[city_id] = found[pk].percent_met
    mine = {c.pk for c in cities}
    countries = {c.country for c in cities}
    peers = {cid for cid, (_pk, country, _s) in latest.items() if country in countries} - mine

    def group(label: Any, ids: set[int], minimum: int) -> Group:
        values = [shares[i] for i in ids if i in shares]
        if len(values) < minimum or not values:
            return Group(label, len(values), None)
        per_band = [sum(1 for v in values if low <= v < high) for low, high in BANDS]
        return Group(label, len(values), [round(100 * n / len(values)) for n in per_band])

    return Distribution(
        bands=["0\u201324 %", "25\u201349 %", "50\u201374 %", "75\u2013100 %"],
        groups=[
            group(_("This portfolio"), mine, 1),
            group(_("Peers: other cities in the same countries"), peers, MIN_GROUP),
            group(_("The whole program"), set(shares), MIN_GROUP),
        ],
    )


# Improvement potential, expiring certifications, stalled assessments -----------------------


@dataclass(frozen=True)
class Potential:
    code: str
    title: dict[str, str]
    not_met: int  # cities whose current assessment does not meet it
    of: int  # cities whose current assessment has it


def improvement_potential(cities: Sequence[City]) -> list[Potential]:
    """The criteria most often not met in the portfolio cities' current assessments. Two
    queries."""
    latest = latest_assessments(c.pk for c in cities)
    if not latest:
        return []
    met = Q(status=Answer.Status.CLAIMED) & (
        ~Q(assessment__state__in=Assessment.DECIDED_STATES) | Q(finding="validated")
    )
    rows = (
        Answer.objects.filter(assessment_id__in=[a.pk for a in latest.values()])
        .values("criterion__code")
        .annotate(of=Count("pk"), not_met=Count("pk", filter=~met))
        .filter(not_met__gt=0)
        .order_by("-not_met", "criterion__code")[:TOP_CRITERIA]
    )
    found = list(rows)
    titles: dict[str, dict[str, str]] = {}
    for code, title in (
        Criterion.objects.filter(code__in=[r["criterion__code"] for r in found])
        .order_by("version__effective_from")
        .values_list("code", "title")
    ):
        titles[code] = title  # the newest version's title wins
    return [
        Potential(r["criterion__code"], titles.get(r["criterion__code"], {}), r["not_met"], r["of"])
        for r in found
    ]


def expiring_certifications(cities: Sequence[City], today: dt.date) -> list[renewal.Renewal]:
    """The current certifications of these cities that end in the next `EXPIRING_DAYS` days."""
    return renewal.standings(
        [c.pk for c in cities],
        today=today,
        ending=(today, today + dt.timedelta(days=EXPIRING_DAYS)),
    )


@dataclass(frozen=True)
class Stalled:
    city: City
    assessment: Assessment
    last_saved: dt.datetime
    days: int


def stalled_assessments(cities: Sequence[City], today: dt.date) -> list[Stalled]:
    """Assessments in progress (drafts) of these cities with no answer saved for
    `STALLED_DAYS` days or more (counted from the start when none was); longest first."""
    by_id = {c.pk: c for c in cities}
    drafts = {
        pk: a for pk, a in latest_assessments(by_id).items() if a.state == Assessment.State.DRAFT
    }
    done = counts(drafts.values())
    found = []
    for city_id, a in drafts.items():
        last = done.get(a.pk, Counts()).last_saved or a.created_at
        days = (today - last.date()).days
        if days >= STALLED_DAYS:
            found.append(Stalled(by_id[city_id], a, last, days))
    return sorted(found, key=lambda s: -s.days)


def by_city(rows: Iterable[Any], key: str = "city_id") -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        grouped[getattr(r, key)].append(r)
    return grouped
