"""Certification events and the public certification history.

`derive_event` says what a certification is to its city (new, moved up or down, re-certified)
from what came before; publishing a cohort and importing the history both use it.
`import_history` reads the program's public history (cohort, city, admin_area, country, level,
standard, event, source): all rows or none, every row error reported, and importing the same
file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from citycert.cities import gazetteer
from citycert.cities.gazetteer import Place, normalize
from citycert.cities.models import City
from citycert.cities.services import slug_for
from citycert.scoring import LEVELS as LEVELS_ORDER
from citycert.standards.models import StandardVersion

from .models import Certification, Cohort, cohort_key
from .signals import certifications_published

COLUMNS = ["cohort", "city", "admin_area", "country", "level", "standard", "event", "source"]
EVENTS = {e.value for e in Certification.Event}
LABEL = re.compile(r"^(19|20)\d\d(-(0[1-9]|1[0-2]))?$")


class HistoryError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def derive_event(previous_levels: list[str], level: str) -> str | None:
    """The event a certification at `level` is, after earlier awards at `previous_levels`
    (oldest first; "" for a level not published; "not re-certified" records are not awards
    and are left out by the callers). None when it cannot be told (a level is unknown)."""
    if not previous_levels:
        return Certification.Event.NEW
    last = previous_levels[-1]
    if not last or not level:
        return None
    before, now = LEVELS_ORDER.index(last), LEVELS_ORDER.index(level)
    if now > before:
        return Certification.Event.LEVEL_UP
    if now < before:
        return Certification.Event.LEVEL_DOWN
    return Certification.Event.RECERTIFIED


def contradicts(previous_levels: list[str], level: str, event: str) -> str | None:
    """Why an event stated by a source cannot be right given known history, or None."""
    if event == Certification.Event.NEW and previous_levels:
        return "it says new, but the city was certified before"
    if event == Certification.Event.NOT_RECERTIFIED:
        if not previous_levels:
            return "it says not re-certified, but the city was never certified"
        return None if not level else "a city that was not re-certified has no level"
    derived = derive_event(previous_levels, level)
    if previous_levels and derived is not None and derived != event:
        return f"it says {event}, but the earlier level {previous_levels[-1]} makes it {derived}"
    return None


def match_place(name: str, admin_area: str, country: str) -> tuple[Place | None, list[Place]]:
    """The gazetteer place meant by a history row: own-name matches first, then alternate
    names, then prefixes, in the row's country and admin area. Returns (place, candidates)."""
    wanted = normalize(admin_area)

    def in_area(p: Place) -> bool:
        area = normalize(p.admin_area)
        return (
            p.admin_code.upper() == admin_area.upper()
            or area == wanted
            or area.startswith(wanted + " ")
            or wanted.startswith(area + " ")
        )

    found = [p for p in gazetteer.search(name, country=country, limit=50) if in_area(p)]
    query = normalize(name)
    own = [p for p in found if normalize(p.name) == query]
    alternate = [p for p in found if any(normalize(a) == query for a in p.alternate_names)]
    for tier in (own, alternate, found):
        if tier:
            return (tier[0], tier) if len(tier) == 1 else (None, tier)
    return None, gazetteer.search(name, limit=5)


@dataclass
class _Row:
    number: int
    name: str  # as the program announced it
    cohort: str
    place: Place
    level: str
    standard: StandardVersion
    event: str
    source: str


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    cities_created: int = 0
    cohorts: set[str] = field(default_factory=set)


def _read(text: str) -> tuple[list[_Row], list[str]]:
    errors: list[str] = []
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != COLUMNS:
        return [], [
            f"the columns must be {', '.join(COLUMNS)}; found {', '.join(reader.fieldnames or [])}"
        ]
    versions = {v.code: v for v in StandardVersion.objects.all()}
    rows: list[_Row] = []
    for number, raw in enumerate(reader, start=2):
        where = f"row {number} ({raw['city'] or '?'})"
        problems = []
        if not LABEL.match(raw["cohort"] or ""):
            problems.append(
                f"cohort {raw['cohort']!r} is not a year or year-month (2024 or 2024-06)"
            )
        if raw["level"] not in ("", *LEVELS_ORDER):
            problems.append(f"level {raw['level']!r} is not silver, gold, platinum or empty")
        if raw["standard"] not in versions:
            problems.append(
                f"standard {raw['standard']!r} is not a loaded version "
                f"({', '.join(sorted(versions))})"
            )
        if raw["event"] not in ("", *EVENTS):
            problems.append(
                f"event {raw['event']!r} is not one of {', '.join(sorted(EVENTS))} or empty"
            )
        place, candidates = match_place(raw["city"], raw["admin_area"], raw["country"])
        if place is None:
            if candidates:
                listed = "; ".join(f"{p.name}, {p.admin_area}, {p.country}" for p in candidates[:6])
                problems.append(
                    f"{raw['city']!r} in {raw['admin_area']}, {raw['country']} is ambiguous "
                    f"or unknown; candidates: {listed}"
                )
            else:
                problems.append(
                    f"no place called {raw['city']!r} in {raw['admin_area']}, {raw['country']}"
                )
        if problems or place is None:
            errors += [f"{where}: {p}" for p in problems]
            continue
        # Matched through an alternate name ("Athens-Clarke County" is GeoNames' Athens): keep
        # the name the program uses for the government.
        name = (
            place.name if normalize(place.name) == normalize(raw["city"]) else raw["city"].strip()
        )
        rows.append(
            _Row(
                number,
                name,
                raw["cohort"],
                place,
                raw["level"],
                versions[raw["standard"]],
                raw["event"],
                raw["source"].strip(),
            )
        )
    return rows, errors


@transaction.atomic
def import_history(text: str) -> ImportResult:
    """Import the public certification history; raise HistoryError listing every problem."""
    rows, errors = _read(text)
    if errors:
        raise HistoryError(errors)
    rows.sort(key=lambda r: (cohort_key(r.cohort), r.number))
    cities = {
        c.gazetteer_id: c
        for c in City.objects.filter(gazetteer_id__in={r.place.gazetteer_id for r in rows})
    }
    known: dict[
        str, list[tuple[tuple[int, int], str, str]]
    ] = {}  # city -> [(cohort key, cohort, level)]
    for cert in (
        Certification.objects.filter(published_at__isnull=False, superseded_by__isnull=True)
        .exclude(event=Certification.Event.NOT_RECERTIFIED)
        .select_related("city", "cohort")
    ):
        known.setdefault(cert.city.gazetteer_id, []).append(
            (cohort_key(cert.cohort.label), cert.cohort.label, cert.level)
        )
    result = ImportResult()
    planned: list[tuple[_Row, str]] = []
    for row in rows:
        history = sorted(known.get(row.place.gazetteer_id, []))
        same = [h for h in history if h[1] == row.cohort]
        if same:
            if same[0][2] != row.level:
                errors.append(
                    f"row {row.number} ({row.place.name}): cohort {row.cohort} already records "
                    f"level {same[0][2] or 'not published'}, not {row.level or 'not published'}"
                )
            else:
                result.unchanged += 1
            continue
        earlier = [h[2] for h in history if h[0] < cohort_key(row.cohort)]
        if row.event:
            problem = contradicts(earlier, row.level, row.event)
            if problem:
                errors.append(
                    f"row {row.number} ({row.place.name}): the event contradicts the history: "
                    f"{problem}"
                )
                continue
            event = row.event
        else:
            derived = derive_event(earlier, row.level)
            if derived is None:
                errors.append(
                    f"row {row.number} ({row.place.name}): the event cannot be derived because "
                    "a level was not published; give it in the event column"
                )
                continue
            event = derived
        known.setdefault(row.place.gazetteer_id, []).append(
            (cohort_key(row.cohort), row.cohort, row.level)
        )
        planned.append((row, event))
    if errors:
        raise HistoryError(errors)

    for row, event in planned:
        city = cities.get(row.place.gazetteer_id)
        if city is None:
            city = City.from_place(row.place, name=row.name, slug=slug_for(row.place))
            city.save()
            cities[row.place.gazetteer_id] = city
            result.cities_created += 1
        announced = announced_at(row.cohort)
        cohort, _created = Cohort.objects.get_or_create(
            label=row.cohort, defaults={"published_at": announced}
        )
        Certification.objects.create(
            city=city,
            cohort=cohort,
            standard=row.standard,
            level=row.level,
            event=event,
            event_given=bool(row.event),
            source=row.source,
            published_at=cohort.published_at or announced,
        )
        result.created += 1
        result.cohorts.add(row.cohort)
    if planned:
        announce({cities[row.place.gazetteer_id].pk for row, _event in planned})
    return result


def announced_at(label: str) -> dt.datetime:
    """When an imported cohort was announced, as precisely as its label records it: the first
    day of its month, or of its year for a label without one (the sources give no day)."""
    year, month = cohort_key(label)
    return timezone.make_aware(dt.datetime(year, month or 1, 1))


def announce(city_ids: Iterable[int]) -> None:
    """Tell the listeners which cities' published certifications changed."""
    certifications_published.send(sender=Certification, city_ids=set(city_ids))


def earlier_awards(city_id: int, before: tuple[int, int]) -> list[str]:
    """The levels of the city's published, current awards announced before a cohort (by its
    sort key), oldest first; records of "not re-certified" are not awards."""
    return [
        c.level
        for c in sorted(
            Certification.objects.filter(
                city_id=city_id, published_at__isnull=False, superseded_by__isnull=True
            )
            .exclude(event=Certification.Event.NOT_RECERTIFIED)
            .select_related("cohort"),
            key=lambda c: cohort_key(c.cohort.label),
        )
        if cohort_key(c.cohort.label) < before
    ]


def _event_of(cert: Certification, cohort: Cohort, errors: list[str]) -> str | None:
    earlier = earlier_awards(cert.city_id, cohort.sort_key)
    if cert.event_given:
        problem = contradicts(earlier, cert.level, cert.event)
        if problem:
            errors.append(f"{cert.city}: {problem}")
        return cert.event
    event = derive_event(earlier, cert.level)
    if event is None:
        errors.append(f"{cert.city}: the event cannot be derived because a level was not published")
    return event


#: Events that lower what the public sees of a city: held back while an appeal is open.
DOWNGRADES = frozenset({Certification.Event.LEVEL_DOWN, Certification.Event.NOT_RECERTIFIED})


def _under_appeal(cert: Certification) -> bool:
    decision = getattr(cert, "decision", None)
    appeal = getattr(decision, "appeal", None) if decision is not None else None
    return appeal is not None and appeal.is_open


def _stamp(certs: list[Certification]) -> None:
    """Publish these certifications now: award date today, end date by their version's rules."""
    from .rules import for_standards

    now = timezone.now()
    today = timezone.localdate()
    rules = for_standards({c.standard_id for c in certs})
    for cert in certs:
        cert.published_at = now
        cert.awarded_on = today
        cert.valid_until = rules[cert.standard_id].valid_until(today) if cert.is_award else None
    Certification.objects.bulk_update(certs, ["event", "published_at", "awarded_on", "valid_until"])


def publish_cohort(cohort: Cohort) -> Cohort:
    """Publish a cohort: derive each certification's event from the city's earlier history.
    A certification that would lower a city's standing while the city's appeal against its
    decision is open is held back; it is published when the appeal is decided."""
    with transaction.atomic():
        cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.published_at is not None:
            raise HistoryError([f"cohort {cohort.label} is already published"])
        errors: list[str] = []
        pending = list(
            cohort.certifications.filter(superseded_by__isnull=True).select_related(
                "city", "decision__appeal"
            )
        )
        for cert in pending:
            cert.event = _event_of(cert, cohort, errors) or ""
        if errors:
            raise HistoryError(errors)
        released = [c for c in pending if not (c.event in DOWNGRADES and _under_appeal(c))]
        held = [c for c in pending if c not in released]
        Certification.objects.bulk_update(held, ["event"])  # said now, announced after
        _stamp(released)
        cohort.published_at = timezone.now()
        cohort.save(update_fields=["published_at"])
        announce({cert.city_id for cert in released})
        _tell_cities(released)
        return cohort


@transaction.atomic
def publish_late(cert: Certification) -> Certification:
    """Publish one certification of a cohort already published (held back during an appeal,
    or made by an appeal's outcome)."""
    cert = Certification.objects.select_related("cohort", "city").get(pk=cert.pk)
    if cert.published_at is not None or cert.cohort.published_at is None:
        return cert
    errors: list[str] = []
    cert.event = _event_of(cert, cert.cohort, errors) or ""
    if errors:
        raise HistoryError(errors)
    _stamp([cert])
    announce([cert.city_id])
    _tell_cities([cert])
    return cert


def _tell_cities(certs: list[Certification]) -> None:
    """Each city whose decision was just announced is told, with its badge code. Cities of the
    imported history have no team here, and are not."""
    from django.urls import reverse

    from citycert.accounts.notifications import absolute, notify

    for cert in certs:
        team = [m.user for m in cert.city.memberships.select_related("user").order_by("-role")]
        if not team:
            continue
        notify(
            "cohort_published",
            team,
            {
                "city": cert.city,
                "certification": cert,
                "profile_url": absolute(reverse("public:profile", args=[cert.city.slug])),
                "badge_url": absolute(reverse("public:badge_svg", args=[cert.city.slug])),
            },
            city=cert.city,
            link=reverse("assessments:overview", args=[cert.city.slug]),
        )


def cities_certified_to_date(cohort: Cohort, cohorts: Iterable[Cohort] | None = None) -> int:
    """How many cities had a published certification in this cohort or before."""
    labels = [
        c.label
        for c in (cohorts or Cohort.objects.filter(published_at__isnull=False))
        if c.sort_key <= cohort.sort_key
    ]
    return (
        Certification.objects.filter(cohort__label__in=labels, published_at__isnull=False)
        .values("city")
        .distinct()
        .count()
    )
