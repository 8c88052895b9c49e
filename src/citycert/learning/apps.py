from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Learning resources tied to the Standard's criteria."""

    name = "citycert.learning"
    verbose_name = _("Learning")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from citycert.assessments import panels as assessment_panels
        from citycert.standards import links as standard_links

        from . import models, panels

        assessment_panels.register_criterion("learning.resources", panels.criterion)
        standard_links.register("learning.resources", panels.standard_link)
        # Every edit, publication and archiving is in the audit trail, with its links.
        auditlog.register(models.Resource, m2m_fields={"criteria", "areas"})
