from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """Partner organisations that coach cities between certifications, and their staff."""

    name = "citycert.partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        # Who joined or left which organisation is in the audit trail.
        for model in (models.Organisation, models.Staff):
            auditlog.register(model)
