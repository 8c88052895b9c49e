"""What the network reads from the apps below it: the digest carries new learning resources and
coming events; a portfolio shows its consenting cities' coaching engagements and the events
their people attended, on the page and in the export, and nothing of other cities."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from citycert.events import services as event_services
from citycert.events.models import Registration
from citycert.network.digest import send_digest
from tests import factories as f
from tests.events import make as events
from tests.learning.test_learning import make as resource
from tests.network.test_digest import MONDAY, member
from tests.network.test_portfolios import State, entry_in, league, signed_in

pytestmark = pytest.mark.django_db


def test_the_digest_carries_new_resources_and_coming_events(standard: None) -> None:
    reader = member("Braga", digest=True)
    with_time = timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(9)))
    old = resource("Older guide")
    old.published_at = with_time - dt.timedelta(days=30)
    old.save()
    fresh = resource("Open budget template")
    fresh.published_at = with_time - dt.timedelta(days=2)
    fresh.save()
    events.event(title="Evaluation sprint", starts_at=with_time + dt.timedelta(days=5))
    events.event(title="Far-off webinar", starts_at=with_time + dt.timedelta(days=90))

    assert send_digest(MONDAY) == 1
    f.deliver()
    (sent,) = mail.outbox
    assert sent.to == [reader.email]
    body = sent.body
    assert "New learning resources" in body and "Open budget template" in body
    assert "Upcoming events" in body and "Evaluation sprint" in body
    assert "Older guide" not in body and "Far-off webinar" not in body


def test_a_portfolio_shows_its_cities_engagements_and_attendance_only(standard: None) -> None:
    owner = f.person()
    portfolio = league(owner)
    astoria, astoria_lead = entry_in(portfolio, "Astoria", State.CONSENTED, owner)
    bandon, bandon_lead = entry_in(portfolio, "Bandon", State.INVITED, owner)
    academy = f.organisation("Coast Data Academy")
    hidden = f.organisation("Hidden Partner")
    f.engagement(astoria, academy)
    f.engagement(bandon, hidden)
    past = events.event(title="Past sprint", starts_at=timezone.now() + dt.timedelta(days=1))
    coming = events.event(title="Next sprint", starts_at=timezone.now() + dt.timedelta(days=10))
    for person in (astoria_lead, bandon_lead):
        event_services.register(past, person)
        event_services.register(coming, person)
    # The sprint took place; its organiser recorded who came.
    past.starts_at = timezone.now() - dt.timedelta(days=10)
    past.save()
    Registration.objects.filter(event=past).update(attended=True)

    page = signed_in(owner).get(reverse("network:portfolio", args=[portfolio.slug]))
    assert page.status_code == 200
    text = page.text
    assert "Coaching engagements" in text and "Coast Data Academy" in text
    assert "Hidden Partner" not in text and "Bandon" not in text
    assert "Events attended" in text

    export = signed_in(owner).get(reverse("network:portfolio_csv", args=[portfolio.slug]))
    (row,) = csv.DictReader(io.StringIO(export.content.decode()))
    assert row["name"] == "Astoria"
    assert row["open_engagements"] == "1" and row["events_attended"] == "1"
