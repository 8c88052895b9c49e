"""Demo events: a partner organisation (the demo coach works for it) and a few events around
today: a sprint the demo lead is registered for, a full one with a waiting list, members'
office hours, and a past webinar with its recording and attendance."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from citycert.accounts.models import User
from citycert.events import services
from citycert.events.models import Event, Registration
from citycert.partners.models import Organisation, Staff


def load(people: dict[str, User]) -> None:
    """Create the demo events once (running again leaves them as they are)."""
    academy, _created = Organisation.objects.get_or_create(
        slug="open-data-academy",
        defaults={
            "name": "Open Data Academy",
            "website": "https://academy.demo.citycert.invalid/",
            "description": "Courses and coaching on open data for city governments.",
        },
    )
    if not Staff.objects.filter(organisation=academy, user=people["coach"], left_at=None):
        Staff.objects.create(organisation=academy, user=people["coach"])
    if Event.objects.filter(organiser=academy).exists():
        return
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    sprint = Event.objects.create(
        title="Open budget data sprint",
        description="Two hours to publish your city's budget as open data, with coaches on hand.",
        kind=Event.Kind.SPRINT,
        starts_at=now + dt.timedelta(days=9, hours=3),
        time_zone="America/Argentina/Cordoba",
        duration_minutes=120,
        language="es",
        capacity=25,
        organiser=academy,
        created_by=people["coach"],
        join_url="https://meet.demo.citycert.invalid/budget-sprint",
    )
    services.register(sprint, people["lead"])
    full = Event.objects.create(
        title="Data stewardship clinic",
        description="Small-group clinic: who owns which data set, and how to say so.",
        kind=Event.Kind.WEBINAR,
        starts_at=now + dt.timedelta(days=16),
        time_zone="America/Sao_Paulo",
        duration_minutes=60,
        language="pt",
        capacity=1,
        organiser=academy,
        created_by=people["coach"],
    )
    services.register(full, people["reviewer"])
    services.register(full, people["contributor"])  # waits
    Event.objects.create(
        title="Office hours with the certification team",
        description="Ask anything about the Standard and the review.",
        kind=Event.Kind.OFFICE_HOURS,
        audience=Event.Audience.MEMBERS,
        starts_at=now + dt.timedelta(days=4),
        time_zone="America/New_York",
        duration_minutes=45,
        language="en",
        created_by=people["admin"],
    )
    past = Event.objects.create(
        title="Getting started with the Standard",
        description="An introduction to the criteria and the certification cycle.",
        kind=Event.Kind.WEBINAR,
        starts_at=now + dt.timedelta(days=1),
        time_zone="Europe/Madrid",
        duration_minutes=60,
        language="en",
        created_by=people["admin"],
        recording_url="https://video.demo.citycert.invalid/getting-started",
    )
    services.register(past, people["lead"])
    services.register(past, people["contributor"])
    # It took place a month ago: moved back once its registrations are in.
    Event.objects.filter(pk=past.pk).update(starts_at=now - dt.timedelta(days=30))
    Registration.objects.filter(event=past, user=people["lead"]).update(attended=True)
    Registration.objects.filter(event=past, user=people["contributor"]).update(attended=False)
