"""What the public sees, kept apart from the program's working data.

Public pages read only these tables (and published, current certifications). A city appears
here only once it has a published certification, so nothing about applicants can leak through a
public page. `services.refresh` rebuilds a city's listing whenever its certifications or its
profile change; `Revision` counts those changes so cached pages know when they are stale.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycert import languages
from citycert.standards.models import Level

#: Sort order of levels; 0 is a certification whose level was not published.
LEVEL_RANK = {"": 0, Level.SILVER: 1, Level.GOLD: 2, Level.PLATINUM: 3}


class Profile(models.Model):
    """What a city team chooses to say publicly. Shown only while the city is certified."""

    city = models.OneToOneField(
        "cities.City", models.CASCADE, primary_key=True, related_name="public_profile"
    )
    story = models.TextField(
        _("your story"),
        max_length=1500,
        blank=True,
        help_text=_("A few sentences on what changed for residents because of better use of data."),
    )
    story_language = models.CharField(
        _("language of the story"), max_length=8, choices=languages.choices, default="en"
    )
    show_strengths = models.BooleanField(
        _("publish our practice-area results"),
        default=False,
        help_text=_("The share of criteria met in each practice area, as validated."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"public profile of {self.city}"

    def get_additional_data(self) -> dict[str, int]:
        return {"city_id": self.city_id}


class Listing(models.Model):
    """A certified city, as the directory, the map, the badge and the open data show it."""

    city = models.OneToOneField(
        "cities.City", models.CASCADE, primary_key=True, related_name="listing"
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    admin_area = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, db_index=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    search_key = models.CharField(max_length=500, db_index=True)
    # The current certification: the latest published one that was not corrected.
    level = models.CharField(max_length=16, choices=Level.choices, blank=True)
    level_rank = models.PositiveSmallIntegerField(default=0)
    standard = models.CharField(max_length=20)
    cohort = models.CharField(max_length=7)
    year = models.PositiveSmallIntegerField(db_index=True)  # when the current level was awarded
    awarded_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    # The end of the grace period, where the city submitted its renewal before the end.
    renewal_until = models.DateField(null=True, blank=True)
    first_cohort = models.CharField(max_length=7)
    first_year = models.PositiveSmallIntegerField()
    certifications = models.PositiveSmallIntegerField()
    # From the profile, copied so that a page needs one query.
    story = models.TextField(blank=True)
    story_language = models.CharField(max_length=8, blank=True)
    # [{"code", "title": {lang: text}, "points", "possible"}], only where the city agreed.
    strengths = models.JSONField(default=list, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "country"]
        indexes = [
            # Each order of the directory in full (ties broken by name, then country), so a
            # page deep in the list is read from the index rather than sorted afresh. On
            # PostgreSQL these also carry the columns a row shows (migration 0005).
            models.Index(fields=["name", "country"], name="listing_by_name"),
            models.Index(fields=["-level_rank", "name", "country"], name="listing_by_level"),
            models.Index(fields=["-year", "name", "country"], name="listing_by_year"),
            models.Index(fields=["year", "name", "country"], name="listing_by_year_asc"),
            # A level chosen and the list in order of year: without these, the year's index is
            # read in full, its other levels skipped (five times as long at 5,000 listings).
            models.Index(
                fields=["level_rank", "-year", "name", "country"], name="listing_by_level_year"
            ),
            models.Index(
                fields=["level_rank", "year", "name", "country"], name="listing_by_level_year_asc"
            ),
            models.Index(fields=["country", "admin_area"], name="listing_by_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def status(self, today: dt.date | None = None) -> str:
        """valid, renewal (in progress, after the end) or expired, on `today`."""
        from citycert.reviews.renewal import Status, status

        found = status(self.valid_until, self.renewal_until, today or timezone.localdate())
        return Status.VALID if found == Status.DUE else found


class Revision(models.Model):
    """A counter raised whenever anything public changes; cached public responses carry it."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"public revision {self.number}"
