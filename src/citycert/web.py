"""Small helpers every app's views share."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from citycert.accounts import policy

if TYPE_CHECKING:
    from citycert.accounts.models import User
    from citycert.cities.models import City


def current_user(request: HttpRequest) -> User:
    """The signed-in person (views that call this are behind login_required)."""
    return cast("User", request.user)


def authorized_city(request: HttpRequest, slug: str, action: policy.Action) -> City:
    """The city at `slug`, if the policy lets this person do `action` there (else 404 / 403)."""
    from citycert.cities.models import City

    city = get_object_or_404(City, slug=slug)
    policy.authorize(request.user, action, city)
    return city
