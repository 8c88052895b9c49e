"""The network's records: people's directory profiles (opt-in), the digest sent each week, and
umbrella bodies' portfolios of cities, each city in one only with its consent.

A city's place in a portfolio is a small state machine (services.py has one function per step):
invited → consented or declined; consented → withdrawn; declined or withdrawn → invited again.
Only consented cities are ever shown to the portfolio's owners.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberProfile(models.Model):
    """How a network member appears in the members' directory, if at all (`listed`), and
    whether they receive the weekly digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="member_profile"
    )
    listed = models.BooleanField(
        _("list me in the members' directory"),
        default=False,
        help_text=_("Other network members, signed in, can then find you by topic and language."),
    )
    role = models.CharField(_("role or title"), max_length=150, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)  # practice area codes
    languages = models.JSONField(_("languages"), default=list, blank=True)  # language codes
    show_email = models.BooleanField(_("show my email address in the directory"), default=False)
    digest = models.BooleanField(
        _("send me the weekly digest"),
        default=False,
        help_text=_("New resources, upcoming events and news of the network, once a week."),
    )
    listed_at = models.DateTimeField(null=True, blank=True)  # when last listed: digest news
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")

    def __str__(self) -> str:
        return f"profile of {self.user}"


class DigestSent(models.Model):
    """One digest sent to one person for one ISO week: what makes the weekly send idempotent."""

    week = models.CharField(max_length=8)  # "2026-W48"
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "recipient"], name="one_digest_per_week")
        ]

    def __str__(self) -> str:
        return f"digest {self.week} to {self.recipient}"


class Portfolio(models.Model):
    """An umbrella body's portfolio of member cities: a state league, a national association
    or a funder. Its owners are the people who hold it and see its page."""

    class Kind(models.TextChoices):
        STATE_LEAGUE = "state_league", _("State league of cities")
        NATIONAL_ASSOCIATION = "national_association", _("National association")
        FUNDER = "funder", _("Funder")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name for addresses"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="portfolios", blank=True, verbose_name=_("owners")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")

    def __str__(self) -> str:
        return self.name


class PortfolioCity(models.Model):
    """A city asked to join a portfolio, and its answer. Each step records who and when."""

    class State(models.TextChoices):
        INVITED = "invited", _("Invited")
        CONSENTED = "consented", _("Consented")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    portfolio = models.ForeignKey(Portfolio, models.CASCADE, related_name="entries")
    city = models.ForeignKey("cities.City", models.CASCADE, related_name="portfolio_entries")
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    invited_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)  # consented or declined
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["portfolio", "city__name"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "city"], name="one_entry_per_city")
        ]

    def __str__(self) -> str:
        return f"{self.city} in {self.portfolio} ({self.state})"

    def get_additional_data(self) -> dict[str, Any]:
        """Lets the audit trail be filtered by city."""
        return {"city_id": self.city_id}
