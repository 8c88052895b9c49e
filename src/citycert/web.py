"""Small helpers every app's views share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from citycert.accounts import policy

if TYPE_CHECKING:
    from citycert.accounts.models import User
    from citycert.assessments.models import Assessment
    from citycert.cities.models import City


def current_user(request: HttpRequest) -> User:
    """The signed-in person (views that call this are behind login_required)."""
    return cast("User", request.user)


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` address the request asks to go back to, if it is a path on this site;
    `default` otherwise (never another site: no open redirect)."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return str(wanted)
    return default


class ConfirmForm(forms.Form):
    """The second step of an action that cannot be taken back: it acts only on a POST that
    carries confirm=1 (the confirmation page's button). Anything else shows that page."""

    # Exactly "1": a checkbox-style boolean would take "0" or "no" for a yes.
    confirm = forms.ChoiceField(choices=[("1", "1")])


def confirmed(request: HttpRequest) -> bool:
    """Whether the request is the confirmed POST of an irreversible action."""
    return request.method == "POST" and ConfirmForm(request.POST).is_valid()


def city_access(request: HttpRequest, slug: str) -> policy.Access:
    """The person's access to the city at `slug` (404 if there is no such city)."""
    from citycert.cities.models import City

    return policy.access(request.user, get_object_or_404(City, slug=slug))


def authorized(request: HttpRequest, slug: str, action: policy.Action) -> policy.Access:
    """The access to the city at `slug`, if the policy lets this person do `action` there
    (else 404 / 403)."""
    found = city_access(request, slug)
    found.require(action)
    return found


def authorized_city(request: HttpRequest, slug: str, action: policy.Action) -> City:
    """The city at `slug`, if the policy lets this person do `action` there (else 404 / 403)."""
    return authorized(request, slug, action).city


def visible_assessment(
    access: policy.Access, action: policy.Action = policy.Action.VIEW_ASSESSMENT
) -> Assessment:
    """The assessment of the city this person works on: the open one if they may see it, else
    the latest they may see (a past reviewer sees the one they reviewed). 404 if none."""
    from citycert.assessments.models import Assessment

    candidates: Any = access.city.assessments.select_related("standard", "outcome_option")
    allowed = access.assessments(action)
    if allowed is not None:
        candidates = candidates.filter(pk__in=allowed)
    found = (
        candidates.filter(state__in=Assessment.OPEN_STATES).first()
        or candidates.order_by("-created_at").first()
    )
    if found is None:
        raise Http404("No assessment yet")
    access.require(action, found)
    return cast("Assessment", found)
