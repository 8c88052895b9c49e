"""Writes for partners: who works for an organisation, and the engagement's state machine.

    invited ──accept──▶ accepted ──close──▶ closed
       │ └──decline──▶ declined
       └──withdraw──▶ withdrawn

The city's lead invites (the city's consent is the invitation); a staff member of the partner
accepts or declines; the lead may withdraw an invitation not answered yet; either side closes an
open engagement. Who may call each function is the policy's to say (accounts.policy); each
function here checks that its transition is allowed from the current state and records who and
when. Every change is in the audit trail (the models are registered in apps.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import CoachingSession, Engagement, Organisation, Staff

if TYPE_CHECKING:
    from citycert.accounts.models import User
    from citycert.cities.models import City


#: A transition: the engagement and who moves it.
Transition = Callable[[Engagement, "User"], Engagement]


class EngagementError(Exception):
    """A change refused; the message says why, for the person who asked."""


def _locked(engagement: Engagement) -> Engagement:
    """The engagement's row, locked until the transaction ends, read afresh: two people
    answering at once cannot both move it."""
    fresh = Engagement.objects.select_for_update().get(pk=engagement.pk)
    engagement.state = fresh.state
    return fresh


def _refuse(engagement: Engagement, doing: str) -> EngagementError:
    return EngagementError(
        _("This engagement is %(state)s: it cannot be %(doing)s.")
        % {"state": engagement.get_state_display().lower(), "doing": doing}
    )


@transaction.atomic
def invite(
    city: City, organisation: Organisation, goals: str, criteria: Iterable[Any], by: User
) -> Engagement:
    """The city's lead invites a partner organisation to coach the city."""
    try:
        with transaction.atomic():
            engagement = Engagement.objects.create(
                city=city, organisation=organisation, goals=goals.strip(), invited_by=by
            )
    except IntegrityError:
        raise EngagementError(
            _("%(partner)s already has an invitation or an open engagement with this city.")
            % {"partner": organisation.name}
        ) from None
    engagement.criteria.set(list(criteria))
    transaction.on_commit(lambda: _tell_staff(engagement))
    return engagement


def _tell_staff(engagement: Engagement) -> None:
    """Every current staff member of the partner learns of the invitation, with its link."""
    from citycert.accounts import emails

    staff = list(
        engagement.organisation.staff.filter(left_at__isnull=True, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    if not staff:
        return
    emails.send(
        "partner_invited",
        [s.user.email for s in staff],
        {
            "city": engagement.city,
            "partner": engagement.organisation,
            "by": engagement.invited_by,
            "goals": engagement.goals,
            "link": emails.absolute(
                reverse("partners:engagement", args=[engagement.city.slug, engagement.pk])
            ),
        },
    )


@transaction.atomic
def accept(engagement: Engagement, by: User) -> Engagement:
    """A staff member of the partner accepts: its staff now coach the city."""
    fresh = _locked(engagement)
    if fresh.state != Engagement.State.INVITED:
        raise _refuse(fresh, _("accepted"))
    return _move(engagement, Engagement.State.ACCEPTED, by, responded=True)


@transaction.atomic
def decline(engagement: Engagement, by: User) -> Engagement:
    """A staff member of the partner declines the invitation."""
    fresh = _locked(engagement)
    if fresh.state != Engagement.State.INVITED:
        raise _refuse(fresh, _("declined"))
    return _move(engagement, Engagement.State.DECLINED, by, responded=True)


@transaction.atomic
def withdraw(engagement: Engagement, by: User) -> Engagement:
    """The city's lead withdraws an invitation the partner has not answered."""
    fresh = _locked(engagement)
    if fresh.state != Engagement.State.INVITED:
        raise _refuse(fresh, _("withdrawn"))
    return _move(engagement, Engagement.State.WITHDRAWN, by, responded=False)


@transaction.atomic
def close(engagement: Engagement, by: User) -> Engagement:
    """Either side ends an open engagement: the partner's staff no longer see the city."""
    fresh = _locked(engagement)
    if fresh.state != Engagement.State.ACCEPTED:
        raise _refuse(fresh, _("closed"))
    return _move(engagement, Engagement.State.CLOSED, by, responded=False)


def _move(engagement: Engagement, state: str, by: User, *, responded: bool) -> Engagement:
    engagement.state = state
    fields = ["state"]
    if responded:
        engagement.responded_at, engagement.responded_by = timezone.now(), by
        fields += ["responded_at", "responded_by"]
    else:
        engagement.ended_at, engagement.ended_by = timezone.now(), by
        fields += ["ended_at", "ended_by"]
    engagement.save(update_fields=fields)
    return engagement


@transaction.atomic
def log_session(
    engagement: Engagement,
    by: User,
    *,
    held_on: dt.date,
    kind: str,
    attendees: Iterable[Any] = (),
    other_attendees: str = "",
    notes: str = "",
    criteria: Iterable[Any] = (),
) -> CoachingSession:
    """A staff member records a session held with the city, while the engagement is open."""
    fresh = _locked(engagement)
    if fresh.state != Engagement.State.ACCEPTED:
        raise EngagementError(
            _("Sessions are logged only while the engagement is open; it is %(state)s.")
            % {"state": fresh.get_state_display().lower()}
        )
    session = CoachingSession.objects.create(
        engagement=engagement,
        held_on=held_on,
        kind=kind,
        other_attendees=other_attendees.strip(),
        notes=notes.strip(),
        logged_by=by,
    )
    session.attendees.set(list(attendees))
    session.criteria.set(list(criteria))
    return session


@transaction.atomic
def join(organisation_name: str, user: User) -> Staff | None:
    """Make the person a current staff member of the organisation with this name (created if the
    program has none yet). Nothing without a name."""
    name = organisation_name.strip()[:200]
    if not name:
        return None
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation is None:
        base = (slugify(name) or "partner")[:100]
        slug, number = base, 1
        while Organisation.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        organisation = Organisation.objects.create(name=name, slug=slug)
    staff, _created = Staff.objects.get_or_create(
        organisation=organisation, user=user, left_at=None
    )
    return staff


@transaction.atomic
def leave_all(user: User) -> int:
    """The person no longer works for any partner: they stop coaching every city at once."""
    rows = list(Staff.objects.filter(user=user, left_at__isnull=True))
    for row in rows:  # one save each, so that each leaving is in the audit trail
        row.left_at = timezone.now()
        row.save(update_fields=["left_at"])
    return len(rows)
