"""Public data: certified cities, their history, and the announced cohorts. Only what the
program has announced is shown; a city without a published certification does not exist here."""

import datetime as dt
from typing import Any, Literal

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import field_validator

from citycert.public import queries as public
from citycert.public.models import Listing
from citycert.reviews import queries as certifications

from .errors import errors
from .paging import Shaped
from .schemas import cohort_path, slug_path

router = Router(tags=["Public"])


class HistoryEventOut(Schema):
    cohort: str
    year: int
    level: str | None
    event: str | None
    standard: str
    awarded_on: dt.date | None
    valid_until: dt.date | None
    corrected: bool


class ListingOut(Schema):
    slug: str
    name: str
    admin_area: str
    country: str
    latitude: float
    longitude: float
    level: str | None
    standard: str
    cohort: str
    year: int
    awarded_on: dt.date | None
    valid_until: dt.date | None
    status: Literal["valid", "renewal", "expired"] = Field(
        ...,
        description="valid; renewal: ended, but the city submitted its renewal in time and it "
        "is being reviewed; expired.",
    )
    renewal_until: dt.date | None = Field(
        ..., description="Where renewing: the last day the city shows “renewal in progress”."
    )
    first_cohort: str
    first_year: int
    certifications: int


class StrengthOut(Schema):
    code: str
    title: dict[str, str | None]
    points: int
    possible: int


class CityProfileOut(ListingOut):
    expired: bool
    story: str
    story_language: str
    strengths: list[StrengthOut]
    history: list[HistoryEventOut]


class DirectoryFilters(Schema):
    q: str = Field("", max_length=100, description="Words of the city's name, region or country.")
    level: Literal["platinum", "gold", "silver", "unknown"] | None = Field(
        None, description="The current level; unknown: announced without a level."
    )
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="ISO code.")
    region: str | None = Field(None, max_length=200, description="State, province or region.")
    standard: str | None = Field(None, max_length=20, description="Standard version, e.g. 2022.")
    year: int | None = Field(None, ge=1900, le=2200, description="Year the level was awarded.")
    sort: Literal["name", "level", "year", "year_asc"] = "name"

    @field_validator("q", "region", "standard")
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        if value is not None and "\x00" in value:
            raise ValueError("Text must not contain NUL characters.")
        return value


class CohortStatisticsOut(Schema):
    label: str
    new: int
    level_up: int
    recertified: int
    level_down: int
    total: int
    to_date: int


class LevelCountOut(Schema):
    level: str | None
    cities: int


class CountryCountOut(Schema):
    country: str
    name: str
    cities: int


class StatisticsOut(Schema):
    cities: int
    first_time: int
    repeat: int
    by_level: list[LevelCountOut]
    by_country: list[CountryCountOut]
    cohorts: list[CohortStatisticsOut]


class CohortOut(Schema):
    label: str
    published_at: dt.datetime
    certifications: int


class CohortCityOut(Schema):
    city: str
    slug: str
    admin_area: str
    country: str
    level: str | None
    standard: str


class HonorRollCityOut(Schema):
    city: str
    admin_area: str
    country: str


class CohortDetailOut(Schema):
    cohort: str
    new: list[CohortCityOut]
    level_up: list[CohortCityOut]
    level_down: list[CohortCityOut]
    recertified: list[CohortCityOut]
    cities_certified_to_date: int
    honor_roll: list[HonorRollCityOut]


def _listing(row: Listing) -> dict[str, Any]:
    return {
        "slug": row.slug,
        "name": row.name,
        "admin_area": row.admin_area,
        "country": row.country,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "level": row.level or None,
        "standard": row.standard,
        "cohort": row.cohort,
        "year": row.year,
        "awarded_on": row.awarded_on,
        "valid_until": row.valid_until,
        "status": row.status(),
        "renewal_until": row.renewal_until,
        "first_cohort": row.first_cohort,
        "first_year": row.first_year,
        "certifications": row.certifications,
    }


@router.get(
    "/cities",
    response={200: list[ListingOut], **errors(422)},
    summary="Certified cities",
)
@paginate(LimitOffsetPagination)
def directory(request: HttpRequest, filters: Query[DirectoryFilters]) -> Any:
    """The directory of certified cities, with its filters and orders, as on the site."""
    query = public.DirectoryQuery(
        q=filters.q,
        level=filters.level or "",
        country=(filters.country or "").upper(),
        region=filters.region or "",
        standard=filters.standard or "",
        year=filters.year,
        sort=filters.sort,
    )
    return Shaped(public.listings(query), _listing)


@router.get(
    "/cities/{slug}",
    response={200: CityProfileOut, **errors(404, 422)},
    summary="A certified city and its history",
)
def city_profile(request: HttpRequest, slug: str = slug_path()) -> dict[str, Any]:
    """A certified city's public profile and every certification event, oldest first (a
    corrected certification shows its correction). Cities that were never certified answer 404."""
    row = public.listing(slug)
    return {
        **_listing(row),
        "expired": public.is_expired(row),
        "story": row.story,
        "story_language": row.story_language,
        "strengths": row.strengths,
        "history": [
            {
                "cohort": e.cohort,
                "year": e.year,
                "level": e.level or None,
                "event": e.event or None,
                "standard": e.standard,
                "awarded_on": e.awarded_on,
                "valid_until": e.valid_until,
                "corrected": e.corrected,
            }
            for e in public.history(row)
        ],
    }


@router.get("/statistics", response={200: StatisticsOut, **errors()}, summary="Statistics")
def statistics(request: HttpRequest) -> dict[str, Any]:
    """The program in numbers: certified cities by level and country, and each cohort's events
    with the number of cities certified to date."""
    data = public.statistics()
    return {
        "cities": data.cities,
        "first_time": data.first_time,
        "repeat": data.repeat,
        "by_level": [{"level": level or None, "cities": n} for level, n in data.by_level],
        "by_country": [
            {"country": code, "name": name, "cities": n} for code, name, n in data.by_country
        ],
        "cohorts": data.cohorts,
    }


@router.get("/cohorts", response={200: list[CohortOut], **errors()}, summary="Announced cohorts")
def list_cohorts(request: HttpRequest) -> list[dict[str, Any]]:
    """Every announced cohort, newest first, with its number of certifications."""
    cohorts = certifications.published_cohorts().annotate(
        count=Count(
            "certifications",
            filter=Q(
                certifications__published_at__isnull=False,
                certifications__superseded_by__isnull=True,
            ),
        )
    )
    return [
        {"label": c.label, "published_at": c.published_at, "certifications": c.count}
        for c in sorted(cohorts, key=lambda c: c.sort_key, reverse=True)
    ]


@router.get(
    "/cohorts/{label}",
    response={200: CohortDetailOut, **errors(404, 422)},
    summary="An announced cohort",
)
def get_cohort(request: HttpRequest, label: str = cohort_path()) -> dict[str, Any]:
    """A cohort as it was announced: cities by event, the count to date, the honor roll."""
    return certifications.cohort_json(certifications.published_cohort(label))
