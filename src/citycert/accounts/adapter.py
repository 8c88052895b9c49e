"""Glue between the account libraries and citycert."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from citycert.accounts import policy


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

    # Links in allauth's emails (address confirmation, password reset) use SITE_URL, as every
    # other email does, rather than the host the request came in on.
    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        from django.urls import reverse

        from citycert.accounts.notifications import absolute

        return absolute(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        from urllib.parse import quote

        from django.urls import reverse

        from citycert.accounts.notifications import absolute

        # allauth's own construction: a pattern with UID-KEY, replaced by the opaque key.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute(path.replace("UID-KEY", quote(key)))

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Where a person lands after signing in (a `next` parameter wins over this, as
        allauth asks it first): their invitation, else their work. Program admins land on the
        review queue; a reviewer with one open review on it (or on the declaration it waits
        for), one with several on 'My cities', which lists them; everyone else as before."""
        from django.urls import reverse

        from citycert.assessments.models import Assessment

        pending = request.session.pop("invitation_token", None)
        if pending:
            return reverse("accounts:invitation", args=[pending])
        user = request.user
        if policy.can(user, policy.Action.MANAGE_REVIEWS):
            return reverse("reviews:queue")
        if policy.REVIEWER in policy.program_roles(user):
            # The relation the reviews app declares on the user, not an import of it.
            open_reviews = list(
                user.review_assignments.filter(  # type: ignore[union-attr]
                    assessment__state__in=Assessment.REVIEW_STATES
                )
                .exclude(conflict=True)
                .select_related("assessment__city")[:2]
            )
            if len(open_reviews) == 1:
                mine = open_reviews[0]
                name = "reviews:declare" if mine.conflict is None else "reviews:review"
                return reverse(name, args=[mine.assessment.city.slug])
            if open_reviews:
                return reverse("accounts:dashboard")
        return str(super().get_login_redirect_url(request))


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The address a sign-in attempt was for, as django-axes counts failures per person.

    allauth authenticates with an `email` credential; its form field is called `login`.
    """
    email = (credentials or {}).get("email") or request.POST.get("login") or ""
    return email.strip().lower() or None
