"""The local governments that take part: created from a gazetteer match, then the program's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .gazetteer import Place


class City(models.Model):
    """A local government: a city, town, consolidated city-county, department, partido or comuna.

    Its facts come from the gazetteer when it is registered; the population can then be
    replaced by an official figure, with its source and year, because gazetteer figures age.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("City")
        TOWN = "town", _("Town")
        CITY_COUNTY = "city_county", _("Consolidated city-county")
        MUNICIPALITY = "municipality", _("Municipality")
        DEPARTMENT = "department", _("Department")
        PARTIDO = "partido", _("Partido")
        COMUNA = "comuna", _("Comuna")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name for addresses"), max_length=120, unique=True)
    kind = models.CharField(_("type of local government"), max_length=16, choices=Kind.choices)
    admin_area = models.CharField(_("state, province or region"), max_length=200, blank=True)
    admin_code = models.CharField(_("region code"), max_length=20, blank=True)
    country = models.CharField(_("country (ISO code)"), max_length=2)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    gazetteer_id = models.CharField(_("gazetteer identifier"), max_length=80, unique=True)
    gazetteer_population = models.PositiveIntegerField(_("gazetteer population"), null=True)
    official_population = models.PositiveIntegerField(
        _("official population"), null=True, blank=True
    )
    population_source = models.CharField(
        _("source of the population figure"), max_length=200, blank=True
    )
    population_year = models.PositiveSmallIntegerField(
        _("year of the population figure"), null=True, blank=True
    )
    # Email domains of the local government ("rosario.gob.ar"): a person with a confirmed
    # address there who asks to lead the city, while it has no team, is its lead at once.
    official_domains = models.JSONField(_("official email domains"), default=list, blank=True)
    # The city agrees to be named on a cohort's honor roll when it comes close to Silver.
    honor_roll_opt_in = models.BooleanField(_("may be named on the honor roll"), default=False)
    # Name, region and country folded (no accents, no case), for searching in any database.
    search_key = models.CharField(max_length=500, editable=False, db_index=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "country"]
        verbose_name_plural = _("cities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(official_population__isnull=True)
                | (~models.Q(population_source="") & models.Q(population_year__isnull=False)),
                name="official_population_has_source_and_year",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.name}, {self.admin_area}, {self.country}"
            if self.admin_area
            else (f"{self.name}, {self.country}")
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .gazetteer import normalize

        self.search_key = normalize(f"{self.name} {self.admin_area} {self.country}")
        super().save(*args, **kwargs)

    @classmethod
    def from_place(cls, place: Place, **fields: Any) -> City:
        """An unsaved city with the facts the gazetteer gives for `place`; `fields` add to them
        or replace them (a slug is always needed)."""
        from .gazetteer import normalize

        facts: dict[str, Any] = {
            "name": place.name,
            "kind": place.kind if place.kind in cls.Kind.values else cls.Kind.CITY,
            "admin_area": place.admin_area,
            "admin_code": place.admin_code,
            "country": place.country,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "timezone": place.timezone,
            "gazetteer_id": place.gazetteer_id,
            "gazetteer_population": place.population,
            **fields,
        }
        city = cls(**facts)
        # Set here too, for bulk_create, which does not call save().
        city.search_key = normalize(f"{city.name} {city.admin_area} {city.country}")
        return city

    @property
    def time_zone(self) -> str:
        """The city's time zone name, for showing times there; UTC when none is known."""
        try:
            ZoneInfo(self.timezone)
        except (ValueError, ZoneInfoNotFoundError):
            return "UTC"
        return self.timezone

    @property
    def population(self) -> int | None:
        """The official figure where one was recorded, else the gazetteer's."""
        if self.official_population is not None:
            return self.official_population
        return self.gazetteer_population

    def get_additional_data(self) -> dict[str, Any]:
        """Lets the audit trail be filtered by city."""
        return {"city_id": self.pk}


class CityRequest(models.Model):
    """A person asks to take part for a city: to lead it while it has no team (a claim a
    program admin approves, or that their official email domain approves at once), or to join
    its team (its lead decides). The person is told the same either way, so that asking never
    reveals whether a city takes part."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        APPROVED = "approved", _("Accepted")
        DECLINED = "declined", _("Declined")

    city = models.ForeignKey(City, models.CASCADE, related_name="requests")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="city_requests"
    )
    statement = models.TextField(_("your role in the city's government"), max_length=1000)
    claim = models.BooleanField()  # True: to lead a city without a team; False: to join its team
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "person"],
                condition=models.Q(status="pending"),
                name="one_pending_request_per_city",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} asks about {self.city}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.city_id}
