"""Writes about events, each in a transaction: the event's life (create, change, cancel) and a
registration's (register, wait, be promoted, cancel), attendance, reminders and feed tokens.

Seats are counted with the event's row locked (`select_for_update`), so two people registering
at once can never both take the last seat: the second one waits for the first to commit, counts
again and lands on the waiting list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citycert.accounts.models import User
from citycert.accounts.notifications import notify

from .models import CalendarFeed, Event, Registration, new_feed_token

#: How long before an event its registrants are reminded.
REMINDER_WINDOW = dt.timedelta(hours=24)


class EventError(Exception):
    """A step that is not allowed now; the message says why, for the person."""


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _context(event: Event) -> dict[str, Any]:
    return {
        "event": event,
        "calendar_link": reverse("events:calendar", args=[event.pk]),
    }


@transaction.atomic
def save_event(event: Event, by: User) -> Event:
    """Create or change an event (the form has validated it). A change tells calendars to
    replace their copy, and a larger capacity lets waiting people in."""
    creating = event.pk is None
    if creating:
        event.created_by = by
    else:
        before = _locked(event)
        if before.is_cancelled:
            raise EventError(_("This event is cancelled: it can no longer be changed."))
        event.sequence += 1
        if before.starts_at != event.starts_at:
            # A new date: people are reminded again the day before it.
            Registration.objects.filter(event=event).update(reminder_sent_at=None)
    event.save()
    if not creating:
        _promote(event)
    return event


@transaction.atomic
def cancel_event(event: Event, by: User) -> bool:
    """Cancel the event and tell everyone registered or waiting; returns False when it was
    cancelled already (nothing is sent twice)."""
    event = _locked(event)
    if event.is_cancelled:
        return False
    event.state = Event.State.CANCELLED
    event.cancelled_at = timezone.now()
    event.cancelled_by = by
    event.sequence += 1
    event.save(update_fields=["state", "cancelled_at", "cancelled_by", "sequence", "updated_at"])
    people = User.objects.filter(
        event_registrations__event=event,
        event_registrations__state__in=[Registration.State.REGISTERED, Registration.State.WAITING],
    )
    notify(
        "event_cancelled", people, _context(event), link=reverse("events:detail", args=[event.pk])
    )
    return True


@transaction.atomic
def register(event: Event, user: User) -> Registration:
    """Give the person a seat, or a place on the waiting list when the event is full. Asking
    again (a double click) changes nothing."""
    event = _locked(event)
    if event.is_cancelled:
        raise EventError(_("This event is cancelled."))
    if event.starts_at <= timezone.now():
        raise EventError(_("This event has started: registration is closed."))
    found = Registration.objects.filter(event=event, user=user).first()
    if found is not None and found.state != Registration.State.CANCELLED:
        return found
    taken = Registration.objects.filter(event=event, state=Registration.State.REGISTERED).count()
    full = event.capacity is not None and taken >= event.capacity
    state = Registration.State.WAITING if full else Registration.State.REGISTERED
    now = timezone.now()
    if found is None:
        return Registration.objects.create(event=event, user=user, state=state, queued_at=now)
    found.state, found.queued_at, found.cancelled_at = state, now, None
    found.reminder_sent_at = None
    found.save(update_fields=["state", "queued_at", "cancelled_at", "reminder_sent_at"])
    return found


@transaction.atomic
def cancel_registration(event: Event, user: User) -> Registration | None:
    """Give up a seat (or a place on the waiting list); the first person waiting then gets
    the seat and is told. Cancelling again changes nothing."""
    event = _locked(event)
    found = Registration.objects.filter(event=event, user=user).first()
    if found is None or found.state == Registration.State.CANCELLED:
        return found
    if event.starts_at <= timezone.now():
        raise EventError(_("This event has started: the registration can no longer change."))
    found.state = Registration.State.CANCELLED
    found.cancelled_at = timezone.now()
    found.save(update_fields=["state", "cancelled_at"])
    if not event.is_cancelled:
        _promote(event)
    return found


def _promote(event: Event) -> list[Registration]:
    """Seat waiting people, first come first served, while there are free seats (the event's
    row is locked by the caller)."""
    if event.is_cancelled or event.starts_at <= timezone.now():
        return []
    waiting = Registration.objects.filter(event=event, state=Registration.State.WAITING)
    if event.capacity is None:
        chosen = list(waiting.select_related("user"))
    else:
        taken = Registration.objects.filter(
            event=event, state=Registration.State.REGISTERED
        ).count()
        free = max(event.capacity - taken, 0)
        chosen = list(waiting.select_related("user")[:free]) if free else []
    for registration in chosen:
        registration.state = Registration.State.REGISTERED
        registration.save(update_fields=["state"])
    if chosen:
        notify(
            "event_promoted",
            [r.user for r in chosen],
            _context(event),
            link=reverse("events:detail", args=[event.pk]),
        )
    return chosen


@transaction.atomic
def record_attendance(event: Event, attended: Iterable[int], by: User) -> int:
    """Record who came (registration ids in `attended`) and, for every other registered
    person, that they did not. Only once the event has started."""
    event = _locked(event)
    if event.is_cancelled:
        raise EventError(_("This event is cancelled: there is no attendance to record."))
    if event.starts_at > timezone.now():
        raise EventError(_("Attendance can be recorded once the event has started."))
    came = set(attended)
    seated = Registration.objects.filter(event=event, state=Registration.State.REGISTERED)
    seated.filter(pk__in=came).update(attended=True)
    seated.exclude(pk__in=came).update(attended=False)
    return len(came)


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind every registered person of a scheduled event that starts within the next 24
    hours, once per registration (run daily or hourly; running it again sends nothing twice)."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        state=Registration.State.REGISTERED,
        reminder_sent_at__isnull=True,
        event__state=Event.State.SCHEDULED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_WINDOW,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            # Locked and checked again: two runs at once remind each person once.
            registration = (
                Registration.objects.select_for_update(skip_locked=True)
                .select_related("event", "user")
                .filter(pk=pk, reminder_sent_at__isnull=True, state=Registration.State.REGISTERED)
                .first()
            )
            if registration is None:
                continue
            event = registration.event
            notify(
                "event_reminder",
                [registration.user],
                _context(event),
                link=reverse("events:detail", args=[event.pk]),
            )
            registration.reminder_sent_at = now
            registration.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent


def feed_token(user: User) -> str:
    """The person's calendar feed token, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed.token


@transaction.atomic
def reset_feed_token(user: User) -> str:
    """A new secret address for the person's feed; the old one stops working."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token", "created_at"])
    return feed.token
