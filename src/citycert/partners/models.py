"""Partner organisations (academies, universities, consultancies, networks) that coach cities,
offer learning resources and run events, and the people who work for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
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
