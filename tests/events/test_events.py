"""Events: registering, the waiting list and its promotions, cancelling, reminders, attendance,
calendar files and feeds, and how times are shown."""

from __future__ import annotations

import datetime as dt
import threading

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from citycert.accounts.models import Notification
from citycert.events import services
from citycert.events.models import Event, Registration
from tests import factories as f
from tests.events import make

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def test_it_registers_a_person_once_however_often_they_click() -> None:
    event = make.event()
    person = f.person()
    client = signed_in(person)
    first = client.post(f"/events/{event.pk}/register/")
    again = client.post(f"/events/{event.pk}/register/")
    assert first.status_code == again.status_code == 302
    assert Registration.objects.filter(event=event, user=person).count() == 1
    page = client.get(f"/events/{event.pk}/")
    assert "You are registered." in page.content.decode()
    assert "Cancel my registration" in page.content.decode()


def test_it_puts_people_on_the_waiting_list_when_full_and_promotes_the_first_waiting() -> None:
    event = make.event(capacity=1)
    first, second, third = f.person(), f.person(), f.person()
    assert services.register(event, first).state == Registration.State.REGISTERED
    assert services.register(event, second).state == Registration.State.WAITING
    assert services.register(event, third).state == Registration.State.WAITING
    page = signed_in(second).get(f"/events/{event.pk}/").content.decode()
    assert "You are on the waiting list" in page
    services.cancel_registration(event, first)
    states = dict(Registration.objects.values_list("user_id", "state"))
    assert states == {
        first.pk: Registration.State.CANCELLED,
        second.pk: Registration.State.REGISTERED,
        third.pk: Registration.State.WAITING,
    }
    promoted = Notification.objects.get(kind="event_promoted")
    assert promoted.recipient == second and event.title in promoted.text
    f.deliver()
    assert [m.to for m in mail.outbox] == [[second.email]]


def test_a_full_event_offers_the_waiting_list() -> None:
    event = make.event(capacity=1)
    services.register(event, f.person())
    page = signed_in(f.person()).get(f"/events/{event.pk}/").content.decode()
    assert "Join the waiting list" in page and "1 of 1 taken" in page


def test_raising_the_capacity_seats_waiting_people() -> None:
    event = make.event(capacity=1)
    organiser = f.person(admin=True)
    services.register(event, f.person())
    waiting = f.person()
    services.register(event, waiting)
    event.capacity = 2
    services.save_event(event, organiser)
    assert Registration.objects.get(user=waiting).state == Registration.State.REGISTERED


def test_a_person_who_cancels_can_register_again_at_the_back_of_the_queue() -> None:
    event = make.event(capacity=1)
    first, second = f.person(), f.person()
    services.register(event, first)
    services.register(event, second)
    services.cancel_registration(event, first)
    assert services.register(event, first).state == Registration.State.WAITING


def test_cancelling_twice_changes_nothing_and_sends_nothing_more() -> None:
    event = make.event(capacity=1)
    first, second = f.person(), f.person()
    services.register(event, first)
    services.register(event, second)
    client = signed_in(first)
    client.post(f"/events/{event.pk}/unregister/")
    client.post(f"/events/{event.pk}/unregister/")
    assert Notification.objects.filter(kind="event_promoted").count() == 1


def test_cancelling_an_event_tells_everyone_registered_or_waiting_in_their_language() -> None:
    event = make.event(capacity=1)
    seated, waiting = f.person(), f.person()
    waiting.language = "es"
    waiting.save()
    services.register(event, seated)
    services.register(event, waiting)
    services.register(event, gone := f.person())
    services.cancel_registration(event, gone)
    admin = f.person(admin=True, mfa=True)
    response = signed_in(admin).post(f"/events/{event.pk}/cancel/", {"confirm": "1"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.is_cancelled and event.cancelled_by == admin
    told = Notification.objects.filter(kind="event_cancelled")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([seated.pk, waiting.pk])
    assert told.get(recipient=waiting).language == "es"
    # Cancelled: no one can register any more, and cancelling again tells no one again.
    assert not services.cancel_event(event, admin)
    with pytest.raises(services.EventError):
        services.register(event, f.person())
    page = signed_in(seated).get(f"/events/{event.pk}/").content.decode()
    assert "This event is cancelled." in page and "Register</button>" not in page


def test_the_cancel_page_asks_first() -> None:
    event = make.event()
    admin = f.person(admin=True, mfa=True)
    page = signed_in(admin).get(f"/events/{event.pk}/cancel/")
    assert page.status_code == 200 and "Cancel the event" in page.content.decode()
    event.refresh_from_db()
    assert not event.is_cancelled


def test_it_reminds_each_registered_person_once_the_day_before() -> None:
    soon = make.event(starts_at=timezone.now() + dt.timedelta(hours=20))
    later = make.event(starts_at=timezone.now() + dt.timedelta(days=3))
    seated, waiting, other = f.person(), f.person(), f.person()
    services.register(soon, seated)
    soon.capacity = 1
    soon.save()
    services.register(soon, waiting)
    services.register(later, other)
    out = __import__("io").StringIO()
    call_command("daily", stdout=out)
    assert "1 event reminders" in out.getvalue()
    assert services.send_reminders() == 0  # once
    reminded = Notification.objects.filter(kind="event_reminder")
    assert list(reminded.values_list("recipient_id", flat=True)) == [seated.pk]
    assert f"/events/{soon.pk}/calendar.ics" in reminded.get().text
    assert Registration.objects.get(user=seated).reminder_sent_at is not None


def test_moving_an_event_reminds_people_again_before_the_new_date() -> None:
    event = make.event(starts_at=timezone.now() + dt.timedelta(hours=5))
    services.register(event, f.person())
    assert services.send_reminders() == 1
    event.starts_at = timezone.now() + dt.timedelta(days=3)
    services.save_event(event, f.person(admin=True))
    assert services.send_reminders() == 0
    later = timezone.now() + dt.timedelta(days=2, hours=12)
    assert services.send_reminders(now=later) == 1


def test_a_cancelled_event_sends_no_reminder() -> None:
    event = make.event(starts_at=timezone.now() + dt.timedelta(hours=2))
    services.register(event, f.person())
    services.cancel_event(event, f.person(admin=True))
    assert services.send_reminders() == 0


def test_only_the_organiser_records_attendance() -> None:
    org = make.organisation()
    coach, outsider = f.person(), f.person()
    make.staff(org, coach)
    make.staff(make.organisation(), outsider)
    event = make.event(organiser=org)
    came, missed = f.person(), f.person()
    services.register(event, came)
    services.register(event, missed)
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    mine = {"attended": [str(Registration.objects.get(user=came).pk)]}
    assert signed_in(outsider).post(f"/events/{event.pk}/attendance/", mine).status_code == 403
    assert signed_in(came).post(f"/events/{event.pk}/attendance/", mine).status_code == 403
    assert Registration.objects.filter(attended__isnull=False).count() == 0
    response = signed_in(coach).post(f"/events/{event.pk}/attendance/", mine)
    assert response.status_code == 302
    assert dict(Registration.objects.values_list("user_id", "attended")) == {
        came.pk: True,
        missed.pk: False,
    }
    page = signed_in(coach).get(f"/events/{event.pk}/attendance/").content.decode()
    assert "checked" in page


def test_attendance_waits_for_the_event_to_start() -> None:
    event = make.event()
    registration = services.register(event, f.person())
    with pytest.raises(services.EventError):
        services.record_attendance(event, [registration.pk], f.person(admin=True))


def test_a_bad_attendance_choice_is_refused_naming_the_field() -> None:
    event = make.event(starts_at=timezone.now() + dt.timedelta(hours=3))
    services.register(event, f.person())
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    admin = f.person(admin=True, mfa=True)
    response = signed_in(admin).post(f"/events/{event.pk}/attendance/", {"attended": ["999"]})
    assert response.status_code == 400
    assert "Who attended" in response.content.decode()


def test_the_calendar_file_holds_the_event_in_its_time_zone() -> None:
    event = make.event(
        title="Budget data sprint",
        starts_at=dt.datetime(2031, 3, 4, 15, 0, tzinfo=dt.UTC),
        time_zone="America/Bogota",
        duration_minutes=120,
    )
    response = Client().get(f"/events/{event.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    (item,) = calendar.walk("VEVENT")
    assert str(item["SUMMARY"]) == "Budget data sprint"
    assert str(item["UID"]) == event.uid
    start = item.decoded("DTSTART")
    assert start == dt.datetime(2031, 3, 4, 15, 0, tzinfo=dt.UTC)
    assert start.utcoffset() == dt.timedelta(hours=-5) and item["DTSTART"].params["TZID"] == (
        "America/Bogota"
    )
    assert item.decoded("DTEND") - start == dt.timedelta(hours=2)
    assert str(item["STATUS"]) == "CONFIRMED"
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["America/Bogota"]


def test_a_cancelled_event_is_cancelled_in_calendars() -> None:
    event = make.event()
    services.cancel_event(event, f.person(admin=True))
    calendar = icalendar.Calendar.from_ical(
        Client().get(f"/events/{event.pk}/calendar.ics").content
    )
    (item,) = calendar.walk("VEVENT")
    assert str(item["STATUS"]) == "CANCELLED" and int(item["SEQUENCE"]) == 1


def test_the_personal_feed_lists_the_persons_events_and_its_address_can_be_reset() -> None:
    mine, theirs, left = make.event(title="Mine"), make.event(title="Theirs"), make.event()
    full = make.event(title="Full", capacity=1)
    services.register(full, f.person())
    person = f.person()
    services.register(full, person)  # waiting: not in the feed
    services.register(mine, person)
    services.register(left, person)
    services.cancel_registration(left, person)
    services.register(theirs, f.person())
    client = signed_in(person)
    page = client.get("/my/events/")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    token = services.feed_token(person)
    assert token in page.content.decode()
    feed = Client().get(f"/my/events/calendar.ics?token={token}")
    assert feed.status_code == 200
    summaries = [
        str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    ]
    assert summaries == ["Mine"]
    client.post("/my/events/calendar/reset/")
    assert Client().get(f"/my/events/calendar.ics?token={token}").status_code == 404
    assert (
        Client().get(f"/my/events/calendar.ics?token={services.feed_token(person)}").status_code
        == 200
    )
    assert Client().get("/my/events/calendar.ics").status_code == 404
    assert Client().get("/my/events/calendar.ics?token=" + "x" * 43).status_code == 404


def test_times_are_shown_in_the_events_time_zone_saying_which() -> None:
    make.event(
        title="Office hours",
        starts_at=dt.datetime(2031, 7, 1, 9, 0, tzinfo=dt.UTC),
        time_zone="Europe/Lisbon",
        duration_minutes=60,
    )
    page = Client().get("/events/").content.decode()
    # Summer time in Lisbon: UTC+1.
    assert "1 July 2031, 10:00\u201311:00 (Europe/Lisbon, UTC+01:00)" in page
    winter = make.event(
        starts_at=dt.datetime(2031, 12, 1, 9, 0, tzinfo=dt.UTC),
        time_zone="America/New_York",
        duration_minutes=60,
    )
    assert (
        "America/New_York, UTC\u221205:00" in Client().get(f"/events/{winter.pk}/").content.decode()
    )


def test_members_events_are_hidden_from_others() -> None:
    event = make.event(title="Members' clinic", audience=Event.Audience.MEMBERS)
    make.event(title="Open webinar")
    stranger = f.person()
    member = f.person(reviewer=True, mfa=True)  # the program's people are network members
    assert "Members&#x27; clinic" not in Client().get("/events/").content.decode()
    assert "Members&#x27; clinic" not in signed_in(stranger).get("/events/").content.decode()
    assert "Members&#x27; clinic" in signed_in(member).get("/events/").content.decode()
    assert Client().get(f"/events/{event.pk}/").status_code == 302
    assert signed_in(stranger).get(f"/events/{event.pk}/").status_code == 404
    assert signed_in(stranger).post(f"/events/{event.pk}/register/").status_code == 404
    assert Client().get(f"/events/{event.pk}/calendar.ics").status_code == 302
    assert signed_in(member).get(f"/events/{event.pk}/").status_code == 200


def test_partner_staff_organise_events_for_their_own_organisation_only() -> None:
    org, other = make.organisation(), make.organisation()
    coach = f.person()
    make.staff(org, coach)
    client = signed_in(coach)
    data = {
        "title": "Data stewardship webinar",
        "kind": "webinar",
        "description": "How to name a data steward.",
        "date": "2031-05-06",
        "start_time": "14:30",
        "time_zone": "America/Sao_Paulo",
        "duration_minutes": "60",
        "language": "pt",
        "audience": "public",
        "organiser": str(other.pk),
    }
    refused = client.post("/events/new/", data)
    assert refused.status_code == 400 and not Event.objects.exists()
    response = client.post("/events/new/", {**data, "organiser": str(org.pk)})
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.starts_at == dt.datetime(2031, 5, 6, 17, 30, tzinfo=dt.UTC)
    assert event.created_by == coach and event.organiser == org
    theirs = make.event(organiser=other)
    assert client.get(f"/events/{theirs.pk}/edit/").status_code == 403
    assert client.get(f"/events/{event.pk}/edit/").status_code == 200
    assert signed_in(f.person()).get("/events/new/").status_code == 403


def test_a_bad_event_is_refused_naming_the_field_and_nothing_is_stored() -> None:
    admin = f.person(admin=True, mfa=True)
    response = signed_in(admin).post(
        "/events/new/",
        {
            "title": "x",
            "kind": "party",
            "date": "2031-03-09",
            "start_time": "02:30",
            "time_zone": "Mars/Olympus",
            "duration_minutes": "0",
            "language": "en",
            "audience": "public",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert {"kind", "time_zone", "duration_minutes"} <= set(form.errors)
    assert not Event.objects.exists()


def test_a_time_skipped_by_daylight_saving_is_refused() -> None:
    admin = f.person(admin=True, mfa=True)
    response = signed_in(admin).post(
        "/events/new/",
        {
            "title": "Spring sprint",
            "kind": "sprint",
            "date": "2031-03-09",
            "start_time": "02:30",
            "time_zone": "America/New_York",
            "duration_minutes": "60",
            "language": "en",
            "audience": "public",
        },
    )
    assert response.status_code == 400 and "start_time" in response.context["form"].errors


def test_past_events_link_their_recording() -> None:
    make.event(
        title="Last year's webinar",
        starts_at=timezone.now() - dt.timedelta(days=30),
        recording_url="https://video.example.org/recording",
    )
    page = Client().get("/events/").content.decode()
    assert "Past events" in page and "Recording available" in page
    event = Event.objects.get()
    assert (
        "https://video.example.org/recording"
        in Client().get(f"/events/{event.pk}/").content.decode()
    )


def test_the_event_list_costs_a_bounded_number_of_queries(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    org = make.organisation()
    for n in range(15):
        event = make.event(organiser=org if n % 2 else None, capacity=5)
        services.register(event, f.person())
    for n in range(5):
        make.event(starts_at=timezone.now() - dt.timedelta(days=n + 1))
    client = signed_in(f.person(reviewer=True, mfa=True))
    with django_assert_max_num_queries(12):
        page = client.get("/events/")
    assert page.content.decode().count('class="usa-collection__item event-line"') == 20


@pytest.mark.django_db(transaction=True)
def test_two_people_cannot_take_the_last_seat_at_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers whole")
    event = make.event(capacity=1)
    people = [f.person() for _ in range(6)]
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def take(person) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.register(event, person)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    states = list(Registration.objects.values_list("state", flat=True))
    assert states.count(Registration.State.REGISTERED) == 1
    assert states.count(Registration.State.WAITING) == 5
