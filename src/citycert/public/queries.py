"""Reads for the public face: the directory, profiles, statistics, badges and open data.

Everything here reads the public tables (`Listing`) and published, current certifications only.
Each function runs a fixed number of queries, whatever the amount of data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict, namedtuple
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, cast, overload

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from citycert.cities.gazetteer import normalize
from citycert.reviews.models import Certification, cohort_key
from citycert.scoring import LEVELS

from .models import LEVEL_RANK, Listing
from .services import award_year, current_certifications

#: Directory orders: the value in the address, its label, and the ordering.
SORTS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "name": (_("Name (A to Z)"), ("name", "country")),
    "level": (_("Level (highest first)"), ("-level_rank", "name", "country")),
    "year": (_("Year certified (newest first)"), ("-year", "name", "country")),
    "year_asc": (_("Year certified (oldest first)"), ("year", "name", "country")),
}
#: "unknown" selects certifications announced without a level.
LEVEL_FILTERS = (*LEVELS, "unknown")


def country_name(code: str) -> str:
    """The country's name in the reader's language."""
    return str(countries.name(code)) or code


@dataclass
class DirectoryQuery:
    """A validated directory request (see `public.forms.DirectoryForm`)."""

    q: str = ""
    level: str = ""
    country: str = ""
    region: str = ""
    standard: str = ""
    year: int | None = None
    sort: str = "name"


def listings(query: DirectoryQuery) -> QuerySet[Listing]:
    """The certified cities that match, in the requested order (the API, the open data and
    the map read them so; the directory's pages are read by `DirectoryRows`, from the same
    conditions)."""
    rows = Listing.objects.all()
    where, params = _conditions(query)
    if where:
        # Conditions written by `_conditions`: every value in them is a parameter.
        condition = RawSQL(" AND ".join(where), params, output_field=BooleanField())  # noqa: S611
        rows = rows.filter(condition)
    return rows.order_by(*SORTS.get(query.sort, SORTS["name"])[1])


def _column(name: str) -> str:
    """A listing field's column, named with its table (safe beside a join)."""
    quote = connection.ops.quote_name
    column = cast(str, cast(models.Field[Any, Any], Listing._meta.get_field(name)).column)
    return f"{quote(Listing._meta.db_table)}.{quote(column)}"


def _conditions(query: DirectoryQuery) -> tuple[list[str], list[Any]]:
    """The filters of `query` as SQL conditions on the listings table, and their parameters:
    the one place that says what each filter means.

    A search finds listings whose search key holds every word of it (normalised: letters and
    digits), asked of the index the migration made. PostgreSQL's trigram index serves the
    LIKE itself. On SQLite the FTS5 trigram table answers one MATCH for all the words of three
    letters or more: a quoted phrase there matches anywhere inside the key and is answered from
    the index alone, where a LIKE would read every candidate row again to check it. Shorter
    words have no trigram: they are looked for row by row, which at a few thousand listings
    costs less than a millisecond."""
    where: list[str] = []
    params: list[Any] = []
    words = normalize(query.q).split()
    if words and connection.vendor == "sqlite":
        long_words = [w for w in words if len(w) >= 3]
        if long_words:
            where.append(
                f"{_column('city_id')} IN (SELECT rowid FROM public_listing_search"  # noqa: S608 - a column's name
                " WHERE public_listing_search MATCH %s)"
            )
            params.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_words))
        words = [w for w in words if len(w) < 3]
    for word in words:
        # Normalised words hold no "%", "_" or "\\": nothing in them to escape for LIKE.
        where.append(f"{_column('search_key')} LIKE %s")
        params.append(f"%{word}%")
    if query.level:
        where.append(f"{_column('level_rank')} = %s")
        params.append(0 if query.level == "unknown" else LEVEL_RANK[query.level])
    for name, value in (
        ("country", query.country),
        ("admin_area", query.region),
        ("standard", query.standard),
    ):
        if value:
            where.append(f"{_column(name)} = %s")
            params.append(value)
    if query.year is not None:
        where.append(f"{_column('year')} = %s")
        params.append(query.year)
    return where, params


class ListingRow(Protocol):
    """What a row of the directory shows: a listing, or the same columns read as a tuple."""

    pk: int
    name: str
    slug: str
    admin_area: str
    country: str
    level: str
    year: int
    standard: str


#: The columns a directory row shows, after its key.
ROW_COLUMNS = ("pk", "name", "slug", "admin_area", "country", "level", "year", "standard")
DirectoryRow = namedtuple("DirectoryRow", ROW_COLUMNS)  # type: ignore[misc]


class DirectoryRows:
    """The listings that match a directory query, in its order, as a sequence Django's
    Paginator pages through: its length is one COUNT, a slice one SELECT of the columns a row
    shows (ROW_COLUMNS), read as named tuples.

    Both are written here in SQL, from the conditions `listings` filters by, rather than
    through a queryset: at 5,000 listings the ORM took longer to build these two queries than
    the database took to answer them (measured: 0.75 ms of 1 ms for a search's count)."""

    def __init__(self, query: DirectoryQuery) -> None:
        where, self._params = _conditions(query)
        self._from = connection.ops.quote_name(Listing._meta.db_table)
        self._where = f" WHERE {' AND '.join(where)}" if where else ""
        order = []
        for name in SORTS.get(query.sort, SORTS["name"])[1]:
            column = _column(name.lstrip("-"))
            order.append(f"{column} DESC" if name.startswith("-") else f"{column} ASC")
        self._order = ", ".join(order)
        self._columns = ", ".join(
            _column("city_id" if name == "pk" else name) for name in ROW_COLUMNS
        )
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._counted()
        return self._count

    def _counted(self) -> int:
        """How many listings match. The number is the same on every page and in every order of
        one set of filters, and changes only with the public revision: it is kept under both,
        in this process and in the shared cache, so that paging through a search or a filter
        (a reader, or a crawler walking every page) counts once, not on every page."""
        from . import local
        from .cache import revision

        conditions = f"{connection.vendor}\x1f{self._where}\x1f{self._params!r}".encode()
        key = f"public:count:{revision()}:{hashlib.blake2b(conditions, digest_size=12).hexdigest()}"
        found = local.get(key)
        if found is None:
            found = cache.get(key)
            if found is None:
                # Columns and conditions are written above; every value is a parameter.
                sql = f"SELECT COUNT(*) FROM {self._from}{self._where}"  # noqa: S608
                with connection.cursor() as cursor:
                    cursor.execute(sql, self._params)
                    found = int(cursor.fetchone()[0])
                cache.set(key, found, settings.PUBLIC_CACHE_SECONDS)
            local.put(key, found)
        return int(found)

    def __iter__(self) -> Iterator[Any]:
        return iter(self[0 : len(self)])

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        if step != 1 or stop <= start:
            return []
        sql = f"SELECT {self._columns} FROM {self._from}{self._where} ORDER BY {self._order}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} LIMIT %s OFFSET %s", [*self._params, stop - start, start])
            return list(map(DirectoryRow._make, cursor.fetchall()))


def found_by_region(q: str, rows: Iterable[ListingRow]) -> set[int]:
    """The rows a search found through their state, province or region rather than their
    name: the directory says so beside them, or a reader wonders why the city is there."""
    words = normalize(q).split()
    if not words:
        return set()
    found = set()
    for row in rows:
        name = normalize(row.name)
        if not all(w in name for w in words) and any(w in normalize(row.admin_area) for w in words):
            found.add(row.pk)
    return found


def listed_slugs(city_ids: Iterable[int]) -> set[str]:
    """The slugs of those cities that have a public profile (one query)."""
    return set(Listing.objects.filter(city_id__in=set(city_ids)).values_list("slug", flat=True))


@dataclass
class Facets:
    """The values the directory can be filtered by (only those some certified city has)."""

    countries: list[tuple[str, str]] = field(default_factory=list)
    regions: list[tuple[str, str]] = field(default_factory=list)  # (admin area, country)
    standards: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    #: What callers make from these values (the filter form's lists), kept with them: for the
    #: same public revision and language.
    memo: dict[str, Any] = field(default_factory=dict)


def facets() -> Facets:
    """The filter values; two queries, once per public revision."""
    from . import local
    from .cache import revision

    # Kept by this process too, in the reader's language: every directory and map page asks.
    mine = f"public:facets:{revision()}:{get_language()}"
    found = local.get(mine)
    if found is None:
        found = _facets(
            cast(
                tuple[list[tuple[str, str]], set[tuple[str, int]]],
                cache.get_or_set(f"public:facets:{revision()}", _facet_values, 3600),
            )
        )
        local.put(mine, found)
    return cast(Facets, found)


def _facets(values: tuple[list[tuple[str, str]], set[tuple[str, int]]]) -> Facets:
    regions, pairs = values
    codes = {code for _r, code in regions}
    return Facets(
        countries=sorted(((c, country_name(c)) for c in codes), key=lambda c: normalize(c[1])),
        regions=[(area, country) for area, country in regions if area],
        standards=sorted({s for s, _y in pairs}),
        years=sorted({y for _s, y in pairs}, reverse=True),
    )


def _facet_values() -> tuple[list[tuple[str, str]], set[tuple[str, int]]]:
    regions = sorted(
        Listing.objects.values_list("admin_area", "country").distinct().order_by(),
        key=lambda r: (r[1], normalize(r[0])),
    )
    return regions, set(Listing.objects.values_list("standard", "year").distinct().order_by())


def listing(slug: str) -> Listing:
    found = Listing.objects.filter(slug=slug).first()
    if found is None:
        raise Http404("No certified city by that name")
    return found


@dataclass(frozen=True)
class HistoryEvent:
    cohort: str
    year: int
    level: str
    event: str
    standard: str
    awarded_on: dt.date | None
    valid_until: dt.date | None
    corrected: bool

    @property
    def event_label(self) -> str:
        return str(Certification.Event(self.event).label) if self.event else ""


def _event(cert: Certification) -> HistoryEvent:
    return HistoryEvent(
        cohort=cert.cohort.label,
        year=award_year(cert),
        level=cert.level,
        event=cert.event,
        standard=cert.standard.code,
        awarded_on=cert.awarded_on,
        valid_until=cert.valid_until,
        corrected=cert.supersedes_id is not None,
    )


def history(city: Listing) -> list[HistoryEvent]:
    """Every certification event of a listed city, oldest first."""
    certs = current_certifications().filter(city_id=city.pk).select_related("cohort", "standard")
    return sorted((_event(c) for c in certs), key=lambda e: cohort_key(e.cohort))


def is_expired(row: Listing, today: dt.date | None = None) -> bool:
    return row.status(today) == "expired"


def in_force(today: dt.date | None = None) -> QuerySet[Listing]:
    """Listed cities whose certification has not expired: what current counts count."""
    today = today or timezone.localdate()
    ended = Q(valid_until__lt=today) & (Q(renewal_until__isnull=True) | Q(renewal_until__lt=today))
    return Listing.objects.exclude(ended)


@dataclass
class Statistics:
    cohorts: list[dict[str, Any]]  # per cohort: label, events by kind, cities to date
    by_level: list[tuple[str, int]]
    by_country: list[tuple[str, str, int]]  # code, name, cities
    first_time: int  # certifications that were a city's first
    repeat: int  # re-certifications and level changes
    cities: int


def statistics() -> Statistics:
    """Three grouped queries, whatever the size of the history."""
    per_cohort: dict[str, Counter[str]] = defaultdict(Counter)
    for label, event, n in (
        current_certifications()
        .values_list("cohort__label", "event")
        .annotate(n=Count("id"))
        .order_by()
    ):
        per_cohort[label][event] += n
    firsts = Counter(
        dict(Listing.objects.values_list("first_cohort").annotate(n=Count("pk")).order_by())
    )
    to_date = 0
    cohorts: list[dict[str, Any]] = []
    for label in sorted(per_cohort, key=cohort_key):
        to_date += firsts.get(label, 0)
        events = per_cohort[label]
        cohorts.append(
            {
                "label": label,
                "new": events["new"],
                "level_up": events["level_up"],
                "recertified": events["recertified"],
                "level_down": events["level_down"],
                "total": sum(events.values()),
                "to_date": to_date,
            }
        )
    by_level_country = list(
        in_force().values_list("level", "country").annotate(n=Count("pk")).order_by()
    )
    levels: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for level, country, n in by_level_country:
        levels[level] += n
        places[country] += n
    by_level = [(lvl, levels[lvl]) for lvl in (*reversed(LEVELS), "") if levels[lvl]]
    by_country = sorted(
        ((c, country_name(c), n) for c, n in places.items()), key=lambda r: (-r[2], r[1])
    )
    first_time = sum(c["new"] for c in cohorts)
    total = sum(c["total"] for c in cohorts)
    return Statistics(
        cohorts=cohorts,
        by_level=by_level,
        by_country=by_country,
        first_time=first_time,
        repeat=total - first_time,
        cities=sum(levels.values()),
    )


CITY_COLUMNS = (
    "slug",
    "name",
    "admin_area",
    "country",
    "latitude",
    "longitude",
    "level",
    "standard",
    "cohort",
    "year",
    "awarded_on",
    "valid_until",
    "renewal_until",
    "first_cohort",
    "first_year",
    "certifications",
)


def export_cities(query: DirectoryQuery | None = None) -> Iterable[dict[str, Any]]:
    """The directory as open-data records (see `public.opendata.CITY_FIELDS`)."""
    today = timezone.localdate()
    for row in listings(query or DirectoryQuery()).values(*CITY_COLUMNS).iterator(2000):
        valid_until, renewal_until = row.pop("valid_until"), row.pop("renewal_until")
        first = {k: row.pop(k) for k in ("first_cohort", "first_year", "certifications")}
        yield {
            **row,
            "level": row["level"] or None,
            "awarded_on": row["awarded_on"].isoformat() if row["awarded_on"] else None,
            "valid_until": valid_until.isoformat() if valid_until else None,
            "renewal_until": renewal_until.isoformat() if renewal_until else None,
            "status": Listing(valid_until=valid_until, renewal_until=renewal_until).status(today),
            **first,
        }


def export_history() -> Iterable[dict[str, Any]]:
    """Every public certification event, city by city, oldest first: one query, read as plain
    rows (the history runs to tens of thousands of events)."""
    rows = (
        current_certifications()
        .filter(city__listing__isnull=False)
        .order_by("city__listing__name", "city__listing__country", "city_id", "cohort__label")
        .values_list(
            "city__listing__slug",
            "city__listing__name",
            "city__listing__admin_area",
            "city__listing__country",
            "city__listing__latitude",
            "city__listing__longitude",
            "cohort__label",
            "awarded_on",
            "event",
            "level",
            "standard__code",
            "valid_until",
            "supersedes_id",
        )
    )
    for (
        slug,
        name,
        admin_area,
        country,
        latitude,
        longitude,
        cohort,
        awarded_on,
        event,
        level,
        standard,
        valid_until,
        supersedes,
    ) in rows.iterator(chunk_size=5000):
        yield {
            "slug": slug,
            "name": name,
            "admin_area": admin_area,
            "country": country,
            "latitude": latitude,
            "longitude": longitude,
            "cohort": cohort,
            "year": awarded_on.year if awarded_on else cohort_key(cohort)[0],
            "event": event or None,
            "level": level or None,
            "standard": standard,
            "awarded_on": awarded_on.isoformat() if awarded_on else None,
            "valid_until": valid_until.isoformat() if valid_until else None,
            "corrected": supersedes is not None,
        }
