"""Program staff (reviewers, program admins) must sign in with a second factor; sessions end
when idle (staff) or old (everyone)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


#: Session keys: when the person signed in, and when they were last seen (epoch seconds).
SIGNED_IN_AT, LAST_SEEN = "citycert_signed_in_at", "citycert_last_seen"
#: Seen again within this many seconds, the session is not written again just to say so.
SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Ends sessions that ran too long. Program staff are signed out after
    STAFF_SESSION_IDLE_MINUTES without a request, and STAFF_SESSION_MAX_HOURS after signing
    in; everyone else SESSION_MAX_DAYS after signing in, however active. The person lands on the
    sign-in page, told why, and comes back to where they were."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path.startswith("/api/"):
            return self.get_response(request)
        now = time.time()
        session = request.session
        # Stamped at sign-in (`stamp_sign_in`); a session from before that stamp gets one now.
        signed_in = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        staff = policy.is_program_staff(user)
        idle = settings.STAFF_SESSION_IDLE_MINUTES * 60 if staff else None
        longest = (
            settings.STAFF_SESSION_MAX_HOURS * 3600 if staff else settings.SESSION_MAX_DAYS * 86400
        )
        if (idle is not None and now - last_seen > idle) or now - signed_in > longest:
            return self._sign_out(request, idle_out=idle is not None and now - last_seen > idle)
        # Only staff sessions go idle, so only they are written to say "seen".
        if staff and (now - last_seen >= SEEN_RESOLUTION or LAST_SEEN not in session):
            session[LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _sign_out(request: HttpRequest, *, idle_out: bool) -> HttpResponse:
        minutes = settings.STAFF_SESSION_IDLE_MINUTES
        logout(request)
        messages.info(
            request,
            ngettext(
                "You were signed out after %(minutes)d minute without activity. Sign in again "
                "to go on.",
                "You were signed out after %(minutes)d minutes without activity. Sign in again "
                "to go on.",
                minutes,
            )
            % {"minutes": minutes}
            if idle_out
            else _("Your session has ended: it was open a long time. Sign in again to go on."),
        )
        back = request.get_full_path() if request.method in ("GET", "HEAD") else "/"
        url = f"{reverse('account_login')}?{urlencode({'next': back})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


def stamp_sign_in(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """A `user_logged_in` receiver: the session starts its clocks as the person signs in (so
    the first page after signing in need not write the session again)."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
