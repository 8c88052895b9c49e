"""Glue between the account libraries and citycert."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """allauth's adapter, sending people to their invitation when they signed up from one, and
    keeping the language they signed up in as the language of their emails."""

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        from django.conf import settings
        from django.utils.translation import get_language

        language = (get_language() or "").split("-")[0]
        if language in {code for code, _name in settings.LANGUAGES}:
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        pending = request.session.pop("invitation_token", None)
        if pending:
            from django.urls import reverse

            return reverse("accounts:invitation", args=[pending])
        return str(super().get_login_redirect_url(request))


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The address a sign-in attempt was for, as django-axes counts failures per person.

    allauth authenticates with an `email` credential; its form field is called `login`.
    """
    email = (credentials or {}).get("email") or request.POST.get("login") or ""
    return email.strip().lower() or None
