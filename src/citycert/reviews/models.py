"""The certification team's side. For now: which reviewers are assigned to which city."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from citycert.standards.models import Level


class Assignment(models.Model):
    """A reviewer assigned to a city (and, from the review queue, to its assessment) by a
    program admin. Before seeing the assessment the reviewer declares whether they have a
    conflict of interest with the city; a declared conflict ends their access and is kept."""

    city = models.ForeignKey("cities.City", models.CASCADE, related_name="reviewer_assignments")
    assessment = models.ForeignKey(
        "assessments.Assessment", models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    # None: not declared yet; False: no conflict; True: a conflict (access blocked).
    conflict = models.BooleanField(null=True, blank=True)
    conflict_note = models.TextField(blank=True, max_length=2000)
    declared_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "reviewer"], name="one_assignment_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.city}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.city_id}


class Cohort(models.Model):
    """A group of decisions announced together, labelled by when: "2024-06", or "2019"."""

    label = models.CharField(_("label"), max_length=7, unique=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    @property
    def sort_key(self) -> tuple[int, int]:
        return cohort_key(self.label)


def cohort_key(label: str) -> tuple[int, int]:
    """Chronological order of labels; a year alone comes before that year's months."""
    year, _sep, month = label.partition("-")
    return int(year), int(month or 0)


class Certification(models.Model):
    """A decided level for a city against a standard version, announced in a cohort.

    Once published it never changes: the database refuses updates and deletions of published
    rows (see the migration's triggers). A correction is a new row that supersedes it.
    """

    class Event(models.TextChoices):
        NEW = "new", _("Newly certified")
        LEVEL_UP = "level_up", _("Moved up a level")
        LEVEL_DOWN = "level_down", _("Moved down a level")
        RECERTIFIED = "recertified", _("Re-certified")

    city = models.ForeignKey("cities.City", models.PROTECT, related_name="certifications")
    cohort = models.ForeignKey(Cohort, models.PROTECT, related_name="certifications")
    standard = models.ForeignKey("standards.StandardVersion", models.PROTECT, related_name="+")
    # Empty where the announcement did not publish the level.
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    event = models.CharField(_("event"), max_length=16, choices=Event.choices, blank=True)
    event_given = models.BooleanField(default=False)  # stated by the source, not derived
    awarded_on = models.DateField(_("awarded"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort__label", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "cohort"],
                condition=models.Q(supersedes__isnull=True),
                name="one_certification_per_city_and_cohort",
            )
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.level or '?'} ({self.cohort})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.city_id}


class Validation(models.Model):
    """One reviewer's verdict on one claimed criterion of an assessment."""

    class Verdict(models.TextChoices):
        VALIDATED = "validated", _("Validated")
        NOT_VALIDATED = "not_validated", _("Not validated")
        CLARIFY = "clarify", _("Needs clarification")

    answer = models.ForeignKey("assessments.Answer", models.CASCADE, related_name="validations")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    comment = models.TextField(blank=True, max_length=3000)
    # Set by a program admin settling a disagreement between the two reviewers.
    settled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "reviewer"], name="one_verdict_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.answer} {self.verdict}"


class Decision(models.Model):
    """The program's decision on an assessment: a level, or not certified, with its reasons."""

    assessment = models.OneToOneField(
        "assessments.Assessment", models.PROTECT, related_name="decision"
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    computed_level = models.CharField(max_length=16, blank=True)  # the engine's, on validated
    # Criteria still missing for Silver on validated criteria (0 when reached).
    silver_gap = models.PositiveSmallIntegerField(null=True, blank=True)
    # The announcement the decision belongs to (a not-certified decision can reach its honor roll).
    cohort = models.ForeignKey(
        Cohort, models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    rationale = models.TextField(_("rationale"), max_length=5000)
    difference_reason = models.TextField(_("why it differs from the computed level"), blank=True)
    certification = models.OneToOneField(
        "Certification", models.PROTECT, null=True, blank=True, related_name="decision"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.assessment}: {self.level or 'not certified'}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.assessment.city_id}


class Clarification(models.Model):
    """A request to the city about some criteria, with a due date. While it is open the city
    may change those answers and their evidence, and nothing else."""

    assessment = models.ForeignKey(
        "assessments.Assessment", models.CASCADE, related_name="clarifications"
    )
    criteria = models.ManyToManyField("standards.Criterion", related_name="+")
    message = models.TextField(_("what is unclear"), max_length=5000)
    due_on = models.DateField(_("answer by"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reply = models.TextField(_("reply"), blank=True, max_length=5000)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"clarification on {self.assessment}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.assessment.city_id}

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class Interaction(models.Model):
    """A validation interview or a site visit, and the criteria it informed."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Validation interview")
        VISIT = "visit", _("Site visit")

    assessment = models.ForeignKey(
        "assessments.Assessment", models.CASCADE, related_name="interactions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    people_met = models.TextField(_("people met"), max_length=2000)
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    criteria = models.ManyToManyField("standards.Criterion", related_name="+", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.assessment.city_id}
