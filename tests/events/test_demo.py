"""The demo data has events to try: the demo lead registered for a sprint, a waiting list, a
past webinar with its recording; loading the demo again adds none."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from citycert.events.models import Event, Registration
from citycert.standards.services import load_files

pytestmark = pytest.mark.django_db


def test_the_demo_has_events_once(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    load_files()
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert Event.objects.count() == 4
    sprint = Event.objects.get(kind=Event.Kind.SPRINT)
    assert sprint.registrations.get().user.email.startswith("lead@")
    assert Registration.objects.filter(state=Registration.State.WAITING).count() == 1
    assert Event.objects.exclude(recording_url="").get().registrations.filter(attended=True)
