"""Writes to the city registry: registering a city from a gazetteer match, correcting its facts."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from citycert.accounts.models import Membership, User

from . import eligibility
from .gazetteer import Place
from .models import City


class AlreadyRegisteredError(Exception):
    def __init__(self, city: City):
        super().__init__(f"{city} is already registered")
        self.city = city


class NotEligibleError(Exception):
    def __init__(self, result: eligibility.Eligibility):
        super().__init__("; ".join(str(r.message) for r in result.reasons))
        self.result = result


def check_eligibility(place: Place, on: dt.date | None = None) -> eligibility.Eligibility:
    """Whether `place` may take part on `on` (today by default)."""
    return eligibility.check(
        name=place.name,
        country=place.country,
        population=place.population,
        on=on or timezone.localdate(),
        country_name=place.country_name,
    )


def slug_for(place: Place) -> str:
    """A short name for addresses, unique among registered cities."""
    for candidate in (
        slugify(f"{place.name} {place.country}"),
        slugify(f"{place.name} {place.admin_area} {place.country}"),
    ):
        if candidate and not City.objects.filter(slug=candidate).exists():
            return candidate
    base = slugify(f"{place.name} {place.admin_area} {place.country}") or "city"
    number = 2
    while City.objects.filter(slug=f"{base}-{number}").exists():
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def register(place: Place, by: User, *, as_lead: bool, on: dt.date | None = None) -> City:
    """Create the city `place` describes, if it is eligible and not registered yet. With
    `as_lead`, the person registering it becomes its first lead."""
    existing = City.objects.filter(gazetteer_id=place.gazetteer_id).first()
    if existing is not None:
        raise AlreadyRegisteredError(existing)
    result = check_eligibility(place, on)
    if not result.eligible:
        raise NotEligibleError(result)
    try:
        with transaction.atomic():
            city = City.from_place(place, slug=slug_for(place), created_by=by)
            city.save()
    except IntegrityError:  # registered by someone else a moment ago
        raise AlreadyRegisteredError(City.objects.get(gazetteer_id=place.gazetteer_id)) from None
    if as_lead:
        Membership.objects.create(city=city, user=by, role=Membership.Role.LEAD)
    return city
