"""How cities like this one score: anonymous aggregates over a peer group.

A city's peers are the other cities of its population band and region (data/peers.yaml). The
comparison uses the latest submitted, in-review or decided assessment of each peer against the
same version of the Standard, scored by the engine (on validated criteria once decided). It is
shown only when at least `min_group` peers have one, and only as medians and quartiles: no peer
is named. Certified peers are the exception, and only with what has been announced publicly
(name, level, year).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from citycert.assessments import scores
from citycert.assessments.models import Assessment
from citycert.cities.models import City
from citycert.datafiles import load_mapping
from citycert.scoring import StandardSpec
from citycert.standards.definitions import Text
from citycert.standards.models import StandardVersion

#: The states whose assessments count in a comparison (drafts are unfinished).
SCORED_STATES = (*Assessment.REVIEW_STATES, *Assessment.DECIDED_STATES)


class PeerRulesError(ValueError):
    """A peers file that cannot be used; the message names the field."""


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    min: int = Field(ge=0)
    max: int | None = None
    label: Text

    def contains(self, population: int) -> bool:
        return population >= self.min and (self.max is None or population <= self.max)


class Region(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    label: Text
    countries: list[str] = Field(min_length=1)


class PeerRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min_group: int = Field(ge=2)
    bands: list[Band] = Field(min_length=1)
    regions: list[Region] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> PeerRules:
        ordered = sorted(self.bands, key=lambda b: b.min)
        for low, high in pairwise(ordered):
            if low.max is None or low.max >= high.min:
                raise ValueError(f"bands {low.code} and {high.code} overlap")
        seen: dict[str, str] = {}
        for region in self.regions:
            for country in region.countries:
                if country in seen:
                    raise ValueError(
                        f"country {country} is in regions {seen[country]} and {region.code}"
                    )
                seen[country] = region.code
        return self

    def band_for(self, population: int | None) -> Band | None:
        if population is None:
            return None
        return next((b for b in self.bands if b.contains(population)), None)

    def region_for(self, country: str) -> Region | None:
        return next((r for r in self.regions if country in r.countries), None)


def parse_rules(text: str, source: str = "peers.yaml") -> PeerRules:
    raw = load_mapping(text, source, PeerRulesError)
    try:
        return PeerRules.model_validate(raw)
    except ValidationError as exc:
        raise PeerRulesError(f"{source}: {exc}") from None


@cache
def rules() -> PeerRules:
    """The shipped peer groups (read once)."""
    path = Path(str(resources.files("citycert.reports") / "data" / "peers.yaml"))
    return parse_rules(path.read_text(encoding="utf-8"), path.name)


@dataclass(frozen=True)
class PeerArea:
    """The share of an area's criteria met across the group: median and middle half."""

    median: float
    low: float  # first quartile
    high: float  # third quartile


@dataclass(frozen=True)
class CertifiedPeer:
    """A certified city of the group, with only what was announced."""

    name: str
    country: str
    level: str
    year: int


@dataclass(frozen=True)
class PeerComparison:
    band: Band | None
    region: Region | None
    min_group: int
    shown: bool  # False: too few peers (or no group), and nothing else is given
    count: int = 0  # the number of peers aggregated, only when shown
    percent: PeerArea | None = None
    areas: dict[str, PeerArea] | None = None
    certified: tuple[CertifiedPeer, ...] = ()


def _spread(values: list[float]) -> PeerArea:
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return PeerArea(round(median, 1), round(q1, 1), round(q3, 1))


def _group(city: City, band: Band, region: Region) -> QuerySet[City]:
    population = Coalesce("official_population", "gazetteer_population")
    group = (
        City.objects.exclude(pk=city.pk)
        .filter(country__in=region.countries)
        .annotate(people=population)
        .filter(people__gte=band.min)
    )
    if band.max is not None:
        group = group.filter(people__lte=band.max)
    return group


def latest_scored(cities: QuerySet[City], standard: StandardVersion) -> list[Assessment]:
    """Each city's latest submitted, in-review or decided assessment against `standard`."""
    latest: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(
            city__in=cities.values("pk"), standard=standard, state__in=SCORED_STATES
        )
        .select_related("standard", "outcome_option")
        .order_by("city_id", "-created_at", "-pk")
    ):
        latest.setdefault(assessment.city_id, assessment)
    return list(latest.values())


def certified_peers(group: QuerySet[City]) -> tuple[CertifiedPeer, ...]:
    """The group's cities with a published certification: name, level and year, nothing else."""
    from citycert.reviews.models import Certification

    latest: dict[int, CertifiedPeer] = {}
    for cert in (
        Certification.objects.filter(
            city__in=group.values("pk"), published_at__isnull=False, superseded_by__isnull=True
        )
        .exclude(event=Certification.Event.NOT_RECERTIFIED)
        .select_related("city", "cohort")
        .order_by("city_id", "-cohort__label")
    ):
        if cert.city_id in latest:
            continue
        year = cert.awarded_on.year if cert.awarded_on else int(cert.cohort.label[:4])
        latest[cert.city_id] = CertifiedPeer(cert.city.name, cert.city.country, cert.level, year)
    return tuple(sorted(latest.values(), key=lambda p: p.name))


def compare(city: City, standard: StandardVersion, spec: StandardSpec) -> PeerComparison:
    """The comparison for `city`'s report against `standard` (see the module's docstring)."""
    peer_rules = rules()
    band = peer_rules.band_for(city.population)
    region = peer_rules.region_for(city.country)
    if band is None or region is None:
        return PeerComparison(band, region, peer_rules.min_group, shown=False)
    group = _group(city, band, region)
    certified = certified_peers(group)
    assessments = latest_scored(group, standard)
    if len(assessments) < peer_rules.min_group:
        return PeerComparison(band, region, peer_rules.min_group, shown=False, certified=certified)
    results = scores.scores(assessments)
    percents: list[float] = []
    by_area: dict[str, list[float]] = {code: [] for code in spec.areas}
    for assessment in assessments:
        result = results[assessment.pk]
        percents.append(result.percent)
        for code, area in result.areas.items():
            if area.possible:
                by_area[code].append(100 * area.points / area.possible)
    return PeerComparison(
        band,
        region,
        peer_rules.min_group,
        shown=True,
        count=len(assessments),
        percent=_spread(percents),
        areas={
            code: _spread(values)
            for code, values in by_area.items()
            if len(values) >= peer_rules.min_group
        },
        certified=certified,
    )
