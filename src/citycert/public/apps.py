from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "citycert.public"
    verbose_name = _("Public pages")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from citycert.assessments import panels as overview
        from citycert.assessments.signals import transitioned
        from citycert.reviews.signals import certifications_published

        from . import panels
        from .models import Profile

        auditlog.register(Profile)

        certifications_published.connect(_refresh, dispatch_uid="public-refresh-listings")
        transitioned.connect(_renewing, dispatch_uid="public-refresh-renewals")
        overview.register("public.certification", panels.certification)


def _refresh(sender: Any, city_ids: set[int], **kwargs: Any) -> None:
    from .services import refresh

    refresh(city_ids)


def _renewing(sender: Any, assessment: Any, transition: str, **kwargs: Any) -> None:
    """A certified city's renewal submitted, withdrawn or decided changes what its listing says
    after the end of its certification."""
    from .models import Listing
    from .services import refresh

    if (
        transition in ("submit", "withdraw", "close")
        and Listing.objects.filter(city_id=assessment.city_id).exists()
    ):
        refresh([assessment.city_id])
