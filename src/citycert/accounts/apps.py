from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "citycert.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from . import models
        from .middleware import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="citycert.stamp_sign_in")
        checks.register(site_url_is_set, checks.Tags.security, deploy=True)

        # Every change to memberships, roles, grants and invitations is in the audit trail.
        for model in (models.Membership, models.ProgramRole, models.CoachGrant, models.Invitation):
            auditlog.register(model)
        auditlog.register(models.User, include_fields=["email", "name", "is_active"])
        # API tokens: who created or revoked which; never the hash, nor every use.
        auditlog.register(models.ApiToken, include_fields=["name", "scope", "revoked_at"])


def site_url_is_set(**kwargs: Any) -> list[Any]:
    """`check --deploy`: links in emails need the site's public address (SITE_URL)."""
    from urllib.parse import urlsplit

    from django.core import checks

    if urlsplit(settings.SITE_URL).hostname not in {"localhost", "127.0.0.1", "::1", None}:
        return []
    return [
        checks.Warning(
            f"SITE_URL is {settings.SITE_URL}, so links in emails would not reach the site: "
            "set it to the address the site is served at, e.g. https://certify.example.org.",
            id="citycert.W001",
        )
    ]
