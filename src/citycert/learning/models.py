"""Learning resources: guides, templates, examples from certified cities, courses, sprints and
recordings that help a city meet a criterion of the Standard.

A resource is offered by a partner organisation (or by the program itself, with no
organisation), is written in one or more of the site's languages, and is linked to the criteria
and practice areas it helps with. It lives draft → published → archived; only published ones
are shown, and those for network members only to members (see `queries`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from citycert.partners.models import Organisation
from citycert.standards.models import Criterion, PracticeArea


class Kind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TEMPLATE = "template", _("Template")
    EXAMPLE = "example", _("Example from a certified city")
    COURSE = "course", _("Course")
    SPRINT = "sprint", _("Sprint")
    RECORDING = "recording", _("Recording")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    MEMBERS = "members", _("Network members")


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


#: The languages a resource may be in: the site's own.
LANGUAGES = (("en", "English"), ("es", "Español"), ("pt", "Português"), ("fr", "Français"))


class Resource(models.Model):
    """One learning resource. Written only through `services` (which audits each change)."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500)
    body = models.TextField(_("description"), max_length=20000, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The codes joined by commas ("en,es"): two-letter codes, so "contains" finds one exactly,
    # on every database.
    languages = models.CharField(_("languages"), max_length=32)
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("partner organisation"),
    )
    criteria = models.ManyToManyField(
        Criterion, related_name="resources", blank=True, verbose_name=_("criteria")
    )
    areas = models.ManyToManyField(
        PracticeArea, related_name="resources", blank=True, verbose_name=_("practice areas")
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-created_at", "pk"]
        verbose_name = _("learning resource")
        verbose_name_plural = _("learning resources")
        indexes = [models.Index(fields=["state", "audience"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="", body=""), name="resource_has_link_or_body"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def language_names(self) -> list[str]:
        names = dict(LANGUAGES)
        return [names.get(code, code) for code in self.language_codes]
