"""Builders for events test data."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from citycert.accounts.models import User
from citycert.events.models import Event
from citycert.partners.models import Organisation, Staff

_numbers = itertools.count(1)


def organisation(name: str = "") -> Organisation:
    number = next(_numbers)
    name = name or f"Data Academy {number}"
    return Organisation.objects.create(name=name, slug=f"org-{number}")


def staff(org: Organisation, user: User) -> Staff:
    return Staff.objects.create(organisation=org, user=user)


def event(**fields: Any) -> Event:
    """A public sprint in a week's time, in Bogotá's time zone, unless told otherwise."""
    defaults: dict[str, Any] = {
        "title": f"Open data sprint {next(_numbers)}",
        "kind": Event.Kind.SPRINT,
        "starts_at": timezone.now() + dt.timedelta(days=7),
        "time_zone": "America/Bogota",
        "duration_minutes": 90,
        "language": "en",
        "audience": Event.Audience.PUBLIC,
    }
    defaults.update(fields)
    return Event.objects.create(**defaults)
