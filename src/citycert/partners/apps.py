from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partner organisations that coach cities between certifications, and their staff."""

    name = "citycert.partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # Who joined or left which organisation, every engagement's transitions and every
        # session logged are in the audit trail.
        for model in (models.Organisation, models.Staff):
            auditlog.register(model)
        auditlog.register(models.Engagement, m2m_fields={"criteria"})
        auditlog.register(models.CoachingSession, m2m_fields={"attendees", "criteria"})
