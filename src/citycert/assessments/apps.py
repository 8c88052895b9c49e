from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "citycert.assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from allauth.account.signals import user_logged_in, user_signed_up
        from auditlog.registry import auditlog

        from . import models
        from .keeping import on_sign_in

        user_signed_up.connect(on_sign_in, dispatch_uid="citycert.snapshots_on_sign_up")
        user_logged_in.connect(on_sign_in, dispatch_uid="citycert.snapshots_on_sign_in")

        auditlog.register(models.Assessment)
        auditlog.register(models.Evidence, exclude_fields=["file"])
