"""Writes to the city registry: registering a city from a gazetteer match, correcting its facts,
and people's requests to take part for a city (see `request_city`)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from citycert.accounts.models import Membership, ProgramRole, User
from citycert.accounts.notifications import notify
from citycert.accounts.services import verified_domains

from . import eligibility
from .gazetteer import Place
from .models import City, CityRequest


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
def register(place: Place, by: User, *, on: dt.date | None = None) -> City:
    """Create the city `place` describes, if it is eligible and not registered yet. Nobody
    leads it yet: a lead comes through an approved request (`request_city`)."""
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
    return city


class RequestError(Exception):
    """A request the rules do not allow; the message says why."""


def _leads(city: City) -> list[User]:
    return [
        m.user
        for m in city.memberships.filter(role=Membership.Role.LEAD).select_related("user")
        if m.user.is_active
    ]


def _admins() -> list[User]:
    return list(
        User.objects.filter(program_roles__role=ProgramRole.Role.ADMIN, is_active=True).distinct()
    )


@transaction.atomic
def request_city(
    place: Place, person: User, statement: str, on: dt.date | None = None
) -> CityRequest:
    """Ask to take part for the city at `place`. The answer to the person is the same whether
    or not the city already has a team: a city without one is claimed (a program admin
    approves; a confirmed address on one of the city's official domains approves at once); a
    city with one is asked to add the person (its lead decides)."""
    if not statement.strip():
        raise RequestError(_("Say what your role is in the city's government."))
    city = City.objects.filter(gazetteer_id=place.gazetteer_id).first()
    if city is None:
        try:
            city = register(place, person, on=on)
        except AlreadyRegisteredError as exc:  # registered by someone else a moment ago
            city = exc.city
    else:
        result = check_eligibility(place, on)
        if not result.eligible:
            raise NotEligibleError(result)
    city = City.objects.select_for_update().get(pk=city.pk)
    if city.memberships.filter(user=person).exists():
        raise RequestError(_("You are already on this city's team."))
    pending = CityRequest.objects.filter(
        city=city, person=person, status=CityRequest.Status.PENDING
    ).first()
    if pending is not None:
        return pending
    leads = _leads(city)
    found = CityRequest.objects.create(
        city=city, person=person, statement=statement.strip(), claim=not leads
    )
    official = {d.lower() for d in city.official_domains}
    if found.claim and official & verified_domains(person):
        return decide(found, approve=True, by=None)
    link = reverse("cities:claims") if found.claim else reverse("accounts:team", args=[city.slug])
    notify(
        "city_request_received",
        _admins() if found.claim else leads,
        {"request": found, "city": city, "person": person},
        city=city,
        link=link,
    )
    return found


@transaction.atomic
def decide(found: CityRequest, *, approve: bool, by: User | None) -> CityRequest:
    """Accept (the person becomes the city's lead, for a claim, or a contributor) or decline a
    request; the person is told."""
    found = CityRequest.objects.select_for_update().get(pk=found.pk)
    if found.status != CityRequest.Status.PENDING:
        raise RequestError(_("This request was already answered."))
    found.status = CityRequest.Status.APPROVED if approve else CityRequest.Status.DECLINED
    found.decided_by, found.decided_at = by, timezone.now()
    found.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        role = Membership.Role.LEAD if found.claim else Membership.Role.CONTRIBUTOR
        Membership.objects.get_or_create(
            city=found.city, user=found.person, defaults={"role": role}
        )
    notify(
        "city_request_decided",
        [found.person],
        {"request": found, "city": found.city},
        city=found.city,
        link=reverse("accounts:team", args=[found.city.slug])
        if approve
        else reverse("accounts:dashboard"),
    )
    return found
