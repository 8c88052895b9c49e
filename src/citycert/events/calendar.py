"""iCalendar (RFC 5545) files, written with the `icalendar` library: one event's file and a
person's feed. Times are written in the event's own time zone (DTSTART;TZID=...) with the
matching VTIMEZONE, so calendar apps show them right wherever the reader is; a cancelled event
keeps its UID and says STATUS:CANCELLED, so calendars that have it take it off."""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.urls import reverse
from django.utils import timezone

from citycert.accounts.notifications import absolute

from .models import Event


def _vevent(event: Event) -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", event.uid)
    item.add("dtstamp", timezone.now())
    item.add("created", event.created_at)
    item.add("last-modified", event.updated_at)
    item.add("sequence", event.sequence)
    item.add("dtstart", event.local_start)
    item.add("dtend", event.local_end)
    item.add("summary", event.title)
    page = absolute(reverse("events:detail", args=[event.pk]))
    description = event.description
    item.add("description", f"{description}\n\n{page}".strip())
    item.add("url", page)
    if event.organiser_id:
        item.add("categories", [event.get_kind_display()])
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    if event.recording_url:
        item.add("attach", event.recording_url)
    return item


def calendar_file(events: Iterable[Event], name: str) -> bytes:
    """The iCalendar file holding these events."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//citycert//events//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(_vevent(event))
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
