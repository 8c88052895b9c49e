from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "citycert.reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import (
            Assignment,
            Certification,
            Clarification,
            Cohort,
            Decision,
            Interaction,
            Validation,
        )

        auditlog.register(Clarification, m2m_fields={"criteria"})
        auditlog.register(Interaction, m2m_fields={"criteria"})

        auditlog.register(Assignment)
        auditlog.register(Validation)
        auditlog.register(Decision)
        auditlog.register(Cohort)
        auditlog.register(Certification)
