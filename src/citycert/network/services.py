"""Writes of the network: a person's directory profile, portfolios and their owners, and each
step of a city's consent to a portfolio. One function per step; each checks the step is allowed
from the current state and records who and when, in a transaction (audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citycert.accounts.models import Membership, User
from citycert.accounts.notifications import notify
from citycert.cities.models import City

from .models import MemberProfile, Portfolio, PortfolioCity

State = PortfolioCity.State


class StepRefusedError(ValueError):
    """A step that the current state does not allow; the message says why."""


def profile_of(user: User) -> MemberProfile:
    """The person's directory profile (unsaved and unlisted if they never made one)."""
    found = MemberProfile.objects.filter(user=user).first()
    return found or MemberProfile(user=user)


@transaction.atomic
def save_profile(profile: MemberProfile) -> MemberProfile:
    """Save the person's profile; listing oneself again is news for the next digest."""
    was_listed = (
        MemberProfile.objects.filter(pk=profile.pk, listed=True).exists() if profile.pk else False
    )
    if profile.listed and not was_listed:
        profile.listed_at = timezone.now()
    profile.save()
    return profile


@transaction.atomic
def create_portfolio(*, name: str, slug: str, kind: str, owners: list[User], by: User) -> Portfolio:
    """A new portfolio with its first owners (program admins)."""
    portfolio = Portfolio.objects.create(name=name, slug=slug, kind=kind, created_by=by)
    portfolio.owners.add(*owners)
    return portfolio


@transaction.atomic
def add_owner(portfolio: Portfolio, user: User) -> None:
    portfolio.owners.add(user)


@transaction.atomic
def remove_owner(portfolio: Portfolio, user: User) -> None:
    portfolio.owners.remove(user)


def _leads(city: City) -> list[User]:
    return [
        m.user
        for m in city.memberships.filter(role=Membership.Role.LEAD).select_related("user")
        if m.user.is_active
    ]


@transaction.atomic
def invite(portfolio: Portfolio, city: City, by: User) -> PortfolioCity | None:
    """Ask the city to join the portfolio; its leads are told. A city already asked, or in
    the portfolio, is left as it is (None); one that declined or withdrew is asked again."""
    now = timezone.now()
    entry = PortfolioCity.objects.select_for_update().filter(portfolio=portfolio, city=city).first()
    if entry is None:
        entry = PortfolioCity.objects.create(
            portfolio=portfolio, city=city, invited_by=by, invited_at=now
        )
    elif entry.state in (State.DECLINED, State.WITHDRAWN):
        entry.state = State.INVITED
        entry.invited_by, entry.invited_at = by, now
        entry.answered_by = entry.answered_at = None
        entry.withdrawn_by = entry.withdrawn_at = None
        entry.save()
    else:
        return None
    notify(
        "portfolio_invitation",
        _leads(city),
        {"city": city, "portfolio": portfolio},
        city=city,
        link=reverse("network:city_portfolios", args=[city.slug]),
    )
    return entry


def _step(entry: PortfolioCity, allowed_from: tuple[str, ...], message: Any) -> PortfolioCity:
    locked = PortfolioCity.objects.select_for_update().get(pk=entry.pk)
    if locked.state not in allowed_from:
        raise StepRefusedError(str(message))
    return locked


@transaction.atomic
def consent(entry: PortfolioCity, by: User) -> PortfolioCity:
    """The city agrees to be in the portfolio: its owners see it from now on."""
    entry = _step(
        entry, (State.INVITED,), _("Only an invitation waiting for an answer can be accepted.")
    )
    entry.state, entry.answered_by, entry.answered_at = State.CONSENTED, by, timezone.now()
    entry.save()
    return entry


@transaction.atomic
def decline(entry: PortfolioCity, by: User) -> PortfolioCity:
    entry = _step(
        entry, (State.INVITED,), _("Only an invitation waiting for an answer can be declined.")
    )
    entry.state, entry.answered_by, entry.answered_at = State.DECLINED, by, timezone.now()
    entry.save()
    return entry


@transaction.atomic
def withdraw(entry: PortfolioCity, by: User) -> PortfolioCity:
    """The city leaves the portfolio: it disappears from its page, export and API at once."""
    entry = _step(entry, (State.CONSENTED,), _("Only a city in the portfolio can withdraw."))
    entry.state, entry.withdrawn_by, entry.withdrawn_at = State.WITHDRAWN, by, timezone.now()
    entry.save()
    return entry
