from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "citycert.reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.db.models.signals import pre_delete

        from citycert.accounts import home as city_home
        from citycert.assessments import panels as overview

        from . import home, panels
        from .models import (
            Appeal,
            AppealFile,
            Assignment,
            Certification,
            CertificationRules,
            Clarification,
            Cohort,
            Conflict,
            Decision,
            Interaction,
            Panelist,
            Validation,
            refuse_deleting_published,
        )

        pre_delete.connect(refuse_deleting_published, sender=Cohort)
        auditlog.register(Clarification, m2m_fields={"criteria"})
        auditlog.register(Interaction, m2m_fields={"criteria"})
        for model in (
            Assignment,
            Conflict,
            Validation,
            Decision,
            Cohort,
            Certification,
            CertificationRules,
            Appeal,
            Panelist,
        ):
            auditlog.register(model)
        auditlog.register(AppealFile, exclude_fields=["file"])

        overview.register("reviews.clarifications", panels.clarifications)
        overview.register("reviews.decision", panels.decision)
        city_home.register("reviews.standing", home.city_home)
