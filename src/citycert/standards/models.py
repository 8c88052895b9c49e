"""The Standard in the database: a projection of the YAML files in standards/data/.

Rows are written only by `services.load_standard`; other apps refer to them (an assessment to its
version, an answer to its criterion), which is what freezes a version's texts (see
`services.version_in_use`). Translatable texts are JSON objects {"en": ..., "es": ...}; read them
with citycert.texts.localize or the {% tr %} template tag.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from citycert.scoring import LevelThreshold


class Level(models.TextChoices):
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    PLATINUM = "platinum", _("Platinum")


#: The one name of the certified cities with no published level: certified before the program
#: published levels, or announced without one. Pages, filters, charts, the map and the open-data
#: notes all say this, through `level_name`.
LEVEL_NOT_PUBLISHED = _("Level not published")


def level_name(level: str | None) -> str:
    """A certified city's level by name in the active language: Silver, Gold or Platinum, and
    `LEVEL_NOT_PUBLISHED` for anything else ("", None, "unknown")."""
    if level in Level.values:
        return str(Level(level).label)
    return str(LEVEL_NOT_PUBLISHED)


class StandardVersion(models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", _("Current")
        RETIRED = "retired", _("Retired")
        RECORD = "record", _("Historical record")

    code = models.CharField(_("code"), max_length=16, unique=True)
    label = models.JSONField(_("label"))
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    notes = models.JSONField(_("notes"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    open_for_assessments = models.BooleanField(_("open for assessments"))
    effective_from = models.DateField(_("in effect from"))
    effective_until = models.DateField(_("in effect until"), null=True, blank=True)
    # All the version's criteria, including any that are not known and so not listed.
    criteria_count = models.PositiveSmallIntegerField(_("number of criteria"), null=True)
    outcome_gate_required = models.BooleanField(_("outcome gate required"), default=False)
    outcome_gate_statement = models.JSONField(_("outcome gate"), default=dict, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("standard version")
        verbose_name_plural = _("standard versions")

    def __str__(self) -> str:
        return self.code


class LevelRule(models.Model):
    """A level is reached at `min_percent` of the (applicable) criteria, or more."""

    version = models.ForeignKey(StandardVersion, models.CASCADE, related_name="level_rules")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    min_percent = models.DecimalField(
        _("minimum share of criteria (%)"), max_digits=5, decimal_places=2
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "level"], name="unique_level_per_version"),
            models.CheckConstraint(
                condition=models.Q(min_percent__gt=Decimal(0), min_percent__lte=Decimal(100)),
                name="level_percent_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version.code} {self.level} >= {self.min_percent}%"

    def as_threshold(self) -> LevelThreshold:
        return LevelThreshold(self.level, Fraction(self.min_percent))


class OutcomeOption(models.Model):
    """One way to pass the outcome gate (air quality, broadband, an SDG-aligned outcome)."""

    version = models.ForeignKey(StandardVersion, models.CASCADE, related_name="outcome_options")
    code = models.CharField(_("code"), max_length=32)
    title = models.JSONField(_("title"))
    description = models.JSONField(_("description"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_outcome_option")
        ]

    def __str__(self) -> str:
        return f"{self.version.code} {self.code}"


class PracticeArea(models.Model):
    version = models.ForeignKey(StandardVersion, models.CASCADE, related_name="practice_areas")
    code = models.CharField(_("code"), max_length=16)
    name = models.JSONField(_("name"))
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_area_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.version.code} {self.code}"


class Criterion(models.Model):
    version = models.ForeignKey(StandardVersion, models.CASCADE, related_name="criteria")
    area = models.ForeignKey(PracticeArea, models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=16)
    official_code = models.BooleanField(_("official code"), default=True)
    title = models.JSONField(_("title"))
    statement = models.JSONField(_("statement"), default=dict, blank=True)
    guidance = models.JSONField(_("guidance"), default=dict, blank=True)
    # Meet `required_items` of the checklist; null where the checklist is not known.
    required_items = models.PositiveSmallIntegerField(_("checklist items required"), null=True)
    not_applicable_allowed = models.BooleanField(_("may be not applicable"), default=False)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, related_name="dependents", blank=True
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["version", "position"]
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_criterion_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.version.code} {self.code}"


class ChecklistItem(models.Model):
    criterion = models.ForeignKey(Criterion, models.CASCADE, related_name="checklist_items")
    key = models.CharField(_("key"), max_length=16)
    text = models.JSONField(_("text"))
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["criterion", "position"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "key"], name="unique_item_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion} {self.key}"


class RequiredDocument(models.Model):
    criterion = models.ForeignKey(Criterion, models.CASCADE, related_name="required_documents")
    text = models.JSONField(_("description"))
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["criterion", "position"]

    def __str__(self) -> str:
        return f"{self.criterion} document {self.position}"
