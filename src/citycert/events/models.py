"""Events of the program and its partners (webinars, sprints, office hours), the people who
register for them, and each person's secret calendar feed.

An event starts at an aware moment (`starts_at`, stored in UTC) and belongs to a time zone (an
IANA name) in which it is announced and written into calendar files. Registration follows a
small state machine (see services.py): registered, waiting (the event was full) or cancelled.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from citycert import languages


@cache
@cache
def time_zone_names() -> frozenset[str]:
    """Every IANA time zone name this machine knows. Read once per process: finding them walks
    the time-zone database's files (about 15 ms), and they change only with an upgrade."""
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as America/Bogota or Europe/Lisbon."),
            params={"value": value},
        )


class Event(models.Model):
    """A webinar, sprint or office hours session, run by the program or a partner organisation."""

    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("Webinar")
        SPRINT = "sprint", _("Sprint")
        OFFICE_HOURS = "office_hours", _("Office hours")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Network members")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("The time zone the event is announced in, e.g. America/Bogota."),
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration in minutes"), validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)]
    )
    language = models.CharField(_("language"), max_length=8, choices=languages.choices)
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    join_url = models.URLField(
        _("link to join"),
        blank=True,
        help_text=_("Shown to registered people only, and sent in the reminder."),
    )
    audience = models.CharField(
        _("who may attend"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC
    )
    organiser = models.ForeignKey(
        "partners.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organiser"),
        help_text=_("Empty: the program itself."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.SCHEDULED)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recording_url = models.URLField(
        _("link to the recording"), blank=True, help_text=_("Once the event has taken place.")
    )
    # Calendar apps replace their copy of an event when this grows (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["state", "starts_at"], name="event_state_start")]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def utc_offset(self) -> str:
        """The event's offset from UTC at its start, e.g. UTC-05:00 (daylight saving counted)."""
        offset = self.local_start.utcoffset() or dt.timedelta(0)
        minutes = int(offset.total_seconds()) // 60
        sign = "+" if minutes >= 0 else "\u2212"
        return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"

    @property
    def when(self) -> str:
        """When it takes place, in the event's own time zone, saying which zone, in the active
        language's formats: e.g. “1 July 2031, 10:00 to 11:00 (Europe/Lisbon, UTC+01:00)”,
        with a dash between the times and a true minus sign in negative offsets."""
        start, end = self.local_start, self.local_end
        begins = f"{date_format(start, 'DATE_FORMAT')}, {date_format(start, 'TIME_FORMAT')}"
        if end.date() == start.date():
            until = date_format(end, "TIME_FORMAT")
        else:
            until = f"{date_format(end, 'DATE_FORMAT')}, {date_format(end, 'TIME_FORMAT')}"
        return f"{begins}\u2013{until} ({self.time_zone}, {self.utc_offset})"

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    @property
    def uid(self) -> str:
        """The event's lasting identity in calendar files."""
        host = str(settings.SITE_URL).split("://", 1)[-1].split("/", 1)[0] or "citycert"
        return f"event-{self.pk}@{host}"


class Registration(models.Model):
    """A person's place at an event, or in its waiting list."""

    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="event_registrations"
    )
    state = models.CharField(max_length=16, choices=State.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the person last joined (the waiting list is served in this order).
    queued_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Recorded by the organiser once the event has taken place; None: not recorded.
    attended = models.BooleanField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_registration_per_person")
        ]
        indexes = [models.Index(fields=["event", "state"], name="registration_event_state")]

    def __str__(self) -> str:
        return f"{self.user} · {self.event}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's secret calendar address: calendar apps cannot sign in, so the address itself
    is the key. Resetting it makes the old address answer 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="event_calendar"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}"
