"""The forms of the events pages: an event (its start entered in its own time zone) and the
attendance list."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citycert.accounts import policy
from citycert.forms_renderer import QuickSelect
from citycert.partners.models import Organisation

from .models import Event, Registration, time_zone_names


class EventForm(forms.ModelForm):  # type: ignore[type-arg]
    """An event, its start given as a date and a time in the chosen time zone."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("YYYY-MM-DD")
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("In the event's time zone, 24-hour clock, e.g. 14:30."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("The time zone the event is announced in, e.g. America/Bogota."),
        widget=QuickSelect,  # some six hundred zones: drawn without a template per option
    )

    class Meta:
        model = Event
        fields = [
            "title",
            "kind",
            "description",
            "language",
            "audience",
            "organiser",
            "duration_minutes",
            "capacity",
            "join_url",
            "recording_url",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones: forms.ChoiceField = self.fields["time_zone"]  # type: ignore[assignment]
        zones.choices = [(name, name) for name in sorted(time_zone_names())]
        organiser: forms.ModelChoiceField = self.fields["organiser"]  # type: ignore[type-arg,assignment]
        if policy.ADMIN in policy.program_roles(user):
            organiser.queryset = Organisation.objects.all()
            organiser.empty_label = str(_("The program"))
        else:
            organiser.queryset = Organisation.objects.filter(
                pk__in=policy.event_organisations(user)
            )
            organiser.required = True
            organiser.empty_label = None
        if self.instance.pk:
            local = self.instance.local_start
            self.initial.setdefault("date", local.date())
            self.initial.setdefault("start_time", local.time().replace(tzinfo=None))
            self.initial.setdefault("time_zone", self.instance.time_zone)
        else:
            self.initial.setdefault("time_zone", "UTC")
        self.order_fields(
            ["title", "kind", "description", "date", "start_time", "time_zone", "duration_minutes"]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time, zone = data.get("date"), data.get("start_time"), data.get("time_zone")
        if day and time and zone:
            start = dt.datetime.combine(day, time, tzinfo=zoneinfo.ZoneInfo(zone))
            # A time that does not exist there (the hour skipped when clocks go forward).
            round_trip = start.astimezone(dt.UTC).astimezone(start.tzinfo)
            if round_trip.replace(tzinfo=None) != start.replace(tzinfo=None):
                self.add_error(
                    "start_time", _("This time does not exist in that time zone on that day.")
                )
            else:
                self.instance.starts_at = start.astimezone(dt.UTC)
                self.instance.time_zone = zone
        return data


class AttendanceForm(forms.Form):
    """Who came: one checkbox per registered person."""

    attended = forms.MultipleChoiceField(
        label=_("Who attended"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, registrations: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.MultipleChoiceField = self.fields["attended"]  # type: ignore[assignment]
        field.choices = [(str(r.pk), f"{r.user.name or r.user.email}") for r in registrations]
        self.initial.setdefault("attended", [str(r.pk) for r in registrations if r.attended])

    def ids(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data["attended"]]


class FeedForm(forms.Form):
    """The secret of a person's calendar feed, as calendar apps send it."""

    token = forms.CharField(max_length=64, min_length=20)
