from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "citycert.assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Assessment)
        auditlog.register(models.Evidence, exclude_fields=["file"])
