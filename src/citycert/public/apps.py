from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "citycert.public"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from citycert.reviews.signals import certifications_published

        from .models import Profile

        auditlog.register(Profile)

        certifications_published.connect(_refresh, dispatch_uid="public-refresh-listings")


def _refresh(sender: Any, city_ids: set[int], **kwargs: Any) -> None:
    from .services import refresh

    refresh(city_ids)
