"""Program staff (reviewers, program admins) must sign in with a second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from . import policy

#: Paths staff may still use before setting up a second factor. The API ignores the session
#: (it takes tokens only, and refuses staff tokens without a second factor itself).
ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/")


class RequireStaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and policy.needs_mfa_setup(user)
        ):
            messages.warning(
                request,
                _(
                    "Program staff must use two-factor authentication. Set up an "
                    "authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
