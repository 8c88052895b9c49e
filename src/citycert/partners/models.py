"""Partner organisations (academies, universities, consultancies, networks) that coach cities,
offer learning resources and run events, and the people who work for them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    """A partner organisation of the program."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name for addresses"), max_length=120, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("what it offers"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """A person working for a partner organisation (a coach, in the program's words). Leaving
    keeps the record: `left_at` is set."""

    organisation = models.ForeignKey(Organisation, models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="partner_staff")
    created_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "user__email"]
        verbose_name = _("partner staff member")
        verbose_name_plural = _("partner staff")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=models.Q(left_at__isnull=True),
                name="one_current_staff_row_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class EngagementQuerySet(models.QuerySet["Engagement"]):
    def open(self) -> EngagementQuerySet:
        """Engagements the partner accepted and no side has closed: the only ones that let the
        partner's staff see the city."""
        return self.filter(state=Engagement.State.ACCEPTED)

    def live(self) -> EngagementQuerySet:
        """Engagements still waiting for the partner's answer, or open."""
        return self.filter(state__in=Engagement.LIVE_STATES)

    def of_staff(self, user: Any) -> EngagementQuerySet:
        """Engagements of the organisations the person works for now."""
        return self.filter(
            organisation__staff__user=user, organisation__staff__left_at__isnull=True
        ).distinct()


class Engagement(models.Model):
    """A city's coaching engagement with a partner organisation.

    The city's lead invites the organisation, saying what the city wants from it (goals) and the
    criteria it targets; inviting is the city's consent. A staff member of the organisation
    accepts or declines; before an answer the lead may withdraw the invitation; once accepted
    either side may close it. While it is accepted and not closed, the organisation's current
    staff coach the city: they read its work and log sessions. Its state changes only through
    `services`, one function per transition, each recording who and when."""

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Open")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CLOSED = "closed", _("Closed")

    #: Waiting for the partner's answer, or open: one such engagement per city and partner.
    LIVE_STATES = ("invited", "accepted")

    city = models.ForeignKey("cities.City", models.CASCADE, related_name="engagements")
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="engagements")
    goals = models.TextField(_("goals"), max_length=3000, blank=True)
    criteria = models.ManyToManyField(
        "standards.Criterion",
        related_name="+",
        blank=True,
        verbose_name=_("criteria targeted"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.INVITED
    )
    invited_at = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The partner's answer (accepted or declined).
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The end: withdrawn by the city before an answer, or closed by either side.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EngagementQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at"]
        verbose_name = _("coaching engagement")
        verbose_name_plural = _("coaching engagements")
        constraints = [
            models.UniqueConstraint(
                fields=["city", "organisation"],
                condition=models.Q(state__in=["invited", "accepted"]),
                name="one_live_engagement_per_city_and_partner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.city} ({self.get_state_display()})"

    def get_additional_data(self) -> dict[str, Any]:
        """Lets the audit trail be filtered by city."""
        return {"city_id": self.city_id}

    @property
    def is_open(self) -> bool:
        return self.state == self.State.ACCEPTED


class CoachingSession(models.Model):
    """A session a partner's staff member held with the city during an open engagement."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        TECHNICAL_ASSISTANCE = "technical_assistance", _("Technical assistance")
        OFFICE_HOURS = "office_hours", _("Office hours")

    engagement = models.ForeignKey(Engagement, models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("who attended")
    )
    other_attendees = models.CharField(_("others who attended"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    criteria = models.ManyToManyField(
        "standards.Criterion", related_name="+", blank=True, verbose_name=_("criteria")
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-logged_at"]
        verbose_name = _("coaching session")
        verbose_name_plural = _("coaching sessions")

    def __str__(self) -> str:
        return f"{self.engagement} · {self.held_on} ({self.get_kind_display()})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.engagement.city_id}
