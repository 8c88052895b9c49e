from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "citycert.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in

        from . import models
        from .middleware import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="citycert.stamp_sign_in")

        # Every change to memberships, roles, grants and invitations is in the audit trail.
        for model in (models.Membership, models.ProgramRole, models.CoachGrant, models.Invitation):
            auditlog.register(model)
        auditlog.register(models.User, include_fields=["email", "name", "is_active"])
        # API tokens: who created or revoked which; never the hash, nor every use.
        auditlog.register(models.ApiToken, include_fields=["name", "scope", "revoked_at"])
