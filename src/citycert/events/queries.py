"""Reads about events: the events a person may see, their seats, a person's registrations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from citycert.accounts import policy
from citycert.assessments.network import is_network_member

from .models import Event, Registration

#: An event that has started stays among the upcoming ones this long: latecomers find it on top.
RUNNING = dt.timedelta(hours=1)


def visible(user: Any) -> QuerySet[Event]:
    """The events this person may see: public ones for everyone; members' events for network
    members and for the people who organise them."""
    events = Event.objects.select_related("organiser")
    if is_network_member(user):
        return events
    mine = Q(audience=Event.Audience.PUBLIC)
    if policy.ADMIN in policy.program_roles(user):
        return events
    organisations = policy.event_organisations(user)
    if organisations:
        mine |= Q(organiser_id__in=organisations)
    return events.filter(mine)


def with_seats(events: QuerySet[Event]) -> QuerySet[Event]:
    """Each event with `seated` and `waiting`: the number registered and waiting."""
    return events.annotate(
        seated=Count("registrations", filter=Q(registrations__state=Registration.State.REGISTERED)),
        waiting=Count("registrations", filter=Q(registrations__state=Registration.State.WAITING)),
    )


def upcoming(user: Any) -> QuerySet[Event]:
    """Events that have not ended yet, soonest first (cancelled ones too: people who had
    planned to come should see it)."""
    return with_seats(visible(user).filter(starts_at__gte=timezone.now() - RUNNING))


def past(user: Any) -> QuerySet[Event]:
    """Events that have started, latest first."""
    return with_seats(visible(user).filter(starts_at__lt=timezone.now() - RUNNING)).order_by(
        "-starts_at", "-pk"
    )


def registration_of(event: Event, user: Any) -> Registration | None:
    if not user.is_authenticated:
        return None
    return Registration.objects.filter(event=event, user=user).first()


def seats(event: Event) -> tuple[int, int]:
    """(registered, waiting) at the event."""
    counts = dict(
        event.registrations.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    return counts.get(Registration.State.REGISTERED, 0), counts.get(Registration.State.WAITING, 0)


def feed_events(user: Any) -> QuerySet[Event]:
    """The events a person has a seat at (cancelled events too: the feed tells calendars they
    are off). A place on a waiting list is not a seat: it joins the feed once promoted."""
    return (
        Event.objects.filter(
            registrations__user=user, registrations__state=Registration.State.REGISTERED
        )
        .select_related("organiser")
        .order_by("starts_at", "pk")
    )


def my_registrations(user: Any) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .exclude(state=Registration.State.CANCELLED)
        .select_related("event", "event__organiser")
        .order_by("-event__starts_at")
    )
