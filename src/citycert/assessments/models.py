"""What a city claims: its data snapshot, and its full assessment against a standard version,
answer by answer, with evidence. State changes go through services.py only."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Dated:
    """The one date shown for an assessment or a snapshot wherever it is listed or reported,
    with what happened on it (templates/reports/_dated.html words it)."""

    kind: Literal["submitted", "started", "taken"]
    at: dt.datetime


class NetworkMembership(models.Model):
    """Joining the program's network of city leaders, with consent to be contacted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="network_membership"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    consent_to_contact = models.BooleanField(_("may be contacted"), default=False)
    consent_changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} in the network"


class Snapshot(models.Model):
    """A quick data snapshot: a short questionnaire anyone can take. `person` owns it: who took
    it signed in, or signed in later from the browser that took it (see keeping.py); the owner
    may keep it for one of their cities. Found by an unguessable id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    questionnaire = models.CharField(max_length=32)  # the questionnaire file's code
    answers = models.JSONField()  # {question key: chosen option value}
    city_name = models.CharField(_("city"), max_length=200, blank=True)
    city = models.ForeignKey(
        "cities.City", models.SET_NULL, null=True, blank=True, related_name="snapshots"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="snapshots"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"snapshot {self.id}"

    @property
    def dated(self) -> Dated:
        """The day it was taken."""
        return Dated("taken", self.created_at)


class Assessment(models.Model):
    """A city's full assessment against one standard version, in one certification cycle.

    Its state changes only through `workflow`, whose table says which transitions exist."""

    class State(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        CLARIFICATION = "clarification", _("Clarification asked")
        DECIDED = "decided", _("Decided")
        APPEALED = "appealed", _("Under appeal")

    #: The states of a city's one open assessment (an appeal is about a decided one).
    OPEN_STATES = ("draft", "submitted", "in_review", "clarification")
    #: The states in which the certification team works on it.
    REVIEW_STATES = ("submitted", "in_review", "clarification")
    #: The states in which reviewers give verdicts (a reviewer is assigned).
    VALIDATION_STATES = ("in_review", "clarification")
    #: The states after a decision: the review's findings count.
    DECIDED_STATES = ("decided", "appealed")

    city = models.ForeignKey("cities.City", models.CASCADE, related_name="assessments")
    standard = models.ForeignKey(
        "standards.StandardVersion", models.PROTECT, related_name="assessments"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    previous = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="followers"
    )
    outcome_option = models.ForeignKey(
        "standards.OutcomeOption", models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_narrative = models.TextField(_("outcome evidence"), blank=True, max_length=5000)
    outcome_links = models.JSONField(default=list, blank=True)
    outcome_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open assessment per city at a time.
            models.UniqueConstraint(
                fields=["city"],
                condition=models.Q(state__in=["draft", "submitted", "in_review", "clarification"]),
                name="one_open_assessment_per_city",
            )
        ]

    def __str__(self) -> str:
        return f"{self.city} · {self.standard.code} ({self.get_state_display()})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.city_id}

    @property
    def dated(self) -> Dated:
        """The day it was submitted (a withdrawn one is not), or, until then, the day it was
        started: the date every list and report shows for it."""
        if self.submitted_at is not None:
            return Dated("submitted", self.submitted_at)
        return Dated("started", self.created_at)

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_decided(self) -> bool:
        return self.state in self.DECIDED_STATES


class StateChange(models.Model):
    """One transition of an assessment: which, from and to which state, by whom and when."""

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="state_changes")
    transition = models.CharField(max_length=32)
    source = models.CharField(max_length=16, choices=Assessment.State.choices)
    target = models.CharField(max_length=16, choices=Assessment.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment}: {self.source} -> {self.target}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.assessment.city_id}


class Answer(models.Model):
    """A city's claim for one criterion. `version` grows with every save, so that a save based
    on an older version is refused instead of silently overwriting someone else's change."""

    class Status(models.TextChoices):
        UNANSWERED = "unanswered", _("Not answered")
        CLAIMED = "claimed", _("Claimed")
        NOT_MET = "not_met", _("Not met yet")

    class Finding(models.TextChoices):
        """What the review found of a claim: written by the certification team's work, through
        `services.record_findings`, and what a decided assessment's score counts."""

        OPEN = "", _("Not settled yet")
        VALIDATED = "validated", _("Validated")
        NOT_VALIDATED = "not_validated", _("Not validated")

    assessment = models.ForeignKey(Assessment, models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("standards.Criterion", models.PROTECT, related_name="answers")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UNANSWERED)
    items = models.JSONField(default=list, blank=True)  # checklist item keys ticked
    narrative = models.TextField(_("narrative"), blank=True, max_length=5000)
    links = models.JSONField(default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_answers",
    )
    carried_forward = models.BooleanField(default=False)  # from a previous assessment: confirm
    # Open again for the city during a clarification round (see workflow.reopen / relock).
    reopened = models.BooleanField(default=False)
    finding = models.CharField(max_length=16, choices=Finding.choices, blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_answer_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.criterion.code}"

    @property
    def items_needed(self) -> int:
        """The checklist items the criterion needs, as the score counts them (one where the
        standard does not say)."""
        return self.criterion.required_items or 1

    @property
    def is_short(self) -> bool:
        """Claimed with fewer checklist items than the criterion needs: kept as saved, but not
        met in the score, and the page says so."""
        return self.status == self.Status.CLAIMED and len(self.items) < self.items_needed


def evidence_path(instance: Evidence, filename: str) -> str:
    # A random name: the stored file's name never comes from the uploader.
    return f"evidence/{instance.answer.assessment_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """An uploaded file supporting an answer, stored outside the web root."""

    answer = models.ForeignKey(Answer, models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    carried_forward = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.answer.assessment.city_id}
