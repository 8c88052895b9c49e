"""The certification team's side: reviewers and their verdicts, clarifications, interviews and
visits, decisions, appeals, certifications and the cohorts that announce them, and the rules of
how long a certification lasts."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models
from django.utils.translation import gettext_lazy as _

from citycert.standards.models import Level


class Declared(models.Model):
    """A seat that asks its holder to declare any conflict of interest with the city first."""

    # None: not declared yet; False: no conflict; True: a conflict (access blocked).
    conflict = models.BooleanField(null=True, blank=True)
    conflict_note = models.TextField(blank=True, max_length=2000)
    declared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Assignment(Declared):
    """A reviewer assigned to an assessment by a program admin. Before seeing it the reviewer
    declares whether they have a conflict of interest with the city; a declared conflict ends
    their access and is kept. Access follows the assessment: full while its review is open,
    read only once it is decided."""

    assessment = models.ForeignKey(
        "assessments.Assessment", models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "reviewer"], name="one_assignment_per_assessment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.assessment}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.assessment.city_id}


class Conflict(models.Model):
    """A conflict of interest a reviewer declared with a city. It outlives the assessment it
    was declared on: the reviewer is not given that city's later assessments or appeals."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    city = models.ForeignKey("cities.City", models.CASCADE, related_name="reviewer_conflicts")
    note = models.TextField(max_length=2000, blank=True)
    declared_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "city"], name="one_conflict_per_city")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} has a conflict with {self.city}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.city_id}


class Cohort(models.Model):
    """A group of decisions announced together, labelled by when: "2024-06", or "2019".

    Once published, its label and publication date never change and it is never deleted: the
    database refuses both (see migration 0011's triggers), and `refuse_deleting_published`
    refuses the deletion in the application too.
    """

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


#: What the database and the application say when a published cohort would change.
IMMUTABLE_COHORT = (
    "a published cohort cannot be changed or deleted; correct its certifications instead"
)


def refuse_deleting_published(sender: type[Cohort], instance: Cohort, **kwargs: object) -> None:
    """A `pre_delete` receiver: deleting a published cohort, however it is asked, fails."""
    if instance.published_at is not None:
        raise IntegrityError(IMMUTABLE_COHORT)


class Certification(models.Model):
    """A decided level for a city against a standard version, announced in a cohort.

    Once published it never changes: the database refuses updates and deletions of published
    rows (see the migration's triggers). A correction is a new row that supersedes it. A city
    certified before whose re-assessment was not certified gets a row with no level and the
    event "not re-certified"; its earlier certification stays valid until it ends.
    """

    class Event(models.TextChoices):
        NEW = "new", _("Newly certified")
        LEVEL_UP = "level_up", _("Moved up a level")
        LEVEL_DOWN = "level_down", _("Moved down a level")
        RECERTIFIED = "recertified", _("Re-certified")
        NOT_RECERTIFIED = "not_recertified", _("Not re-certified")

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

    @property
    def is_award(self) -> bool:
        """Whether it awards a level (or one not published), as opposed to recording that a
        certified city was not re-certified."""
        return self.event != self.Event.NOT_RECERTIFIED


class CertificationRules(models.Model):
    """How long a certification against one Standard version is valid, and the windows around
    it. Set by program admins (audited); a version without a row uses the settings' defaults
    (see `rules.for_standard`). A certification keeps the end date it was published with."""

    standard = models.OneToOneField(
        "standards.StandardVersion", models.CASCADE, related_name="certification_rules"
    )
    valid_years = models.PositiveSmallIntegerField(
        _("valid for (years)"),
        null=True,
        blank=True,
        help_text=_("Empty: certifications against this version do not end."),
    )
    renewal_window_days = models.PositiveSmallIntegerField(
        _("renewal window (days before the end)"),
        help_text=_("From when the city is asked to renew."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days after the end)"),
        help_text=_(
            "A city that submitted its renewal before the end shows “renewal in progress” "
            "this long; then “expired”."
        ),
    )
    appeal_window_days = models.PositiveSmallIntegerField(
        _("appeal window (days after a decision)")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"certification rules of {self.standard}"


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
    # The last day the city may appeal (the appeal window of the version's rules).
    appeal_until = models.DateField(_("appeal until"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    #: Why the decision takes a cohort other than the next announcement, when it does: kept
    #: in the audit trail's record of the decision (not a column).
    cohort_reason = ""

    def __str__(self) -> str:
        return f"{self.assessment}: {self.level or 'not certified'}"

    def get_additional_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"city_id": self.assessment.city_id}
        if self.cohort_reason:
            data["cohort_reason"] = self.cohort_reason
        return data


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


def appeal_file_path(instance: AppealFile, filename: str) -> str:
    # A random name: the stored file's name never comes from the uploader.
    return f"appeals/{instance.appeal_id}/{uuid.uuid4().hex}"


class Appeal(models.Model):
    """A city's appeal against a decision, on stated grounds, decided by a panel of reviewers
    who did not review the assessment. While it is open, a decision that lowers the city's
    level is not published."""

    class Ground(models.TextChoices):
        FACTUAL = "factual", _("A factual error")
        PROCEDURAL = "procedural", _("A procedural error")
        NEW_EVIDENCE = "new_evidence", _("New evidence")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld: the decision stands")
        MODIFIED = "modified", _("Modified: the level changes")
        OVERTURNED = "overturned", _("Overturned: the decision is reversed")

    assessment = models.ForeignKey("assessments.Assessment", models.PROTECT, related_name="appeals")
    decision = models.OneToOneField(Decision, models.PROTECT, related_name="appeal")
    grounds = models.JSONField(_("grounds"))  # Ground values
    statement = models.TextField(_("statement"), max_length=5000)
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    lodged_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # The level after the appeal ("" for not certified), for a modified or overturned decision.
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    rationale = models.TextField(_("rationale"), max_length=5000, blank=True)
    certification = models.ForeignKey(
        Certification, models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-lodged_at"]

    def __str__(self) -> str:
        return f"appeal against {self.decision}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.assessment.city_id}

    @property
    def is_open(self) -> bool:
        return self.decided_at is None

    def ground_labels(self) -> list[str]:
        return [str(self.Ground(g).label) for g in self.grounds if g in self.Ground.values]


class AppealFile(models.Model):
    """A file the city gives with its appeal, checked as evidence files are."""

    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="files")
    file = models.FileField(upload_to=appeal_file_path, max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.appeal.assessment.city_id}

    @property
    def assessment_id(self) -> int:
        return self.appeal.assessment_id


class Panelist(Declared):
    """A reviewer on an appeal's panel. Declares any conflict of interest first, as reviewers
    do; then recommends an outcome."""

    appeal = models.ForeignKey(Appeal, models.CASCADE, related_name="panel")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="panels")
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Appeal.Outcome.choices, blank=True
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=5000, blank=True)
    recommended_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "reviewer"], name="one_seat_per_panelist")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.appeal}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.appeal.assessment.city_id}


class RenewalReminder(models.Model):
    """A renewal reminder sent to one person about one certification, at one point before
    its end (days_before; 0 is the day itself). Kept so that each goes out once."""

    certification = models.ForeignKey(
        Certification, models.CASCADE, related_name="renewal_reminders"
    )
    days_before = models.SmallIntegerField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "days_before", "recipient"], name="one_reminder_each"
            )
        ]

    def __str__(self) -> str:
        return f"renewal reminder ({self.days_before} days) to {self.recipient}"
