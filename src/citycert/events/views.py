"""The events pages: the list and an event's page for everyone (members' events for network
members), registering and cancelling, calendar files, and the organisers' pages. Views parse,
ask the policy, call a service or query, and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.accounts import policy
from citycert.accounts.notifications import absolute
from citycert.accounts.policy import Action
from citycert.web import confirmed, current_user

from . import queries, services
from .calendar import calendar_file
from .forms import AttendanceForm, EventForm, FeedForm
from .models import CalendarFeed, Event, Registration

#: How many past events the list shows.
PAST_SHOWN = 20


def _event(request: HttpRequest, pk: int, action: Action) -> Event:
    """The event, if this person may take `action` on it: 404 for one they may not see, a
    sign-in for anonymous visitors of a members' event, 403 otherwise."""
    event = get_object_or_404(Event.objects.select_related("organiser"), pk=pk)
    if not request.user.is_authenticated and (
        action is not Action.VIEW_EVENT or event.audience != Event.Audience.PUBLIC
    ):
        raise SignInNeededError
    policy.authorize_event(request.user, action, event)
    return event


class SignInNeededError(Exception):
    pass


def _or_sign_in[**P](
    view: Callable[Concatenate[HttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Anonymous visitors are sent to sign in where an event needs them signed in."""

    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except SignInNeededError:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return wrapped


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming events, soonest first, then the latest past ones."""
    upcoming = list(queries.upcoming(request.user))
    past = list(queries.past(request.user)[:PAST_SHOWN])
    return render(
        request,
        "events/list.html",
        {
            "upcoming": upcoming,
            "past": past,
            "can_organise": policy.event_can(request.user, Action.ORGANISE_EVENTS),
        },
    )


@require_safe
@_or_sign_in
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, Action.VIEW_EVENT)
    seated, waiting = queries.seats(event)
    registration = queries.registration_of(event, request.user)
    now = timezone.now()
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "seated": seated,
            "waiting": waiting,
            "free": None if event.capacity is None else max(event.capacity - seated, 0),
            "registration": registration,
            "open": not event.is_cancelled and event.starts_at > now,
            "started": event.starts_at <= now,
            "can_register": policy.event_can(request.user, Action.REGISTER_FOR_EVENT, event),
            "can_manage": policy.event_can(request.user, Action.MANAGE_EVENT, event),
        },
    )


@login_required
@require_POST
@_or_sign_in
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, Action.REGISTER_FOR_EVENT)
    try:
        registration = services.register(event, current_user(request))
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        if registration.state == Registration.State.WAITING:
            messages.warning(
                request,
                _(
                    "The event is full: you are on the waiting list, and will be told by "
                    "email if a place comes free."
                ),
            )
        else:
            messages.success(request, _("You are registered."))
    return redirect("events:detail", event.pk)


@login_required
@require_POST
@_or_sign_in
def cancel_registration(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, Action.REGISTER_FOR_EVENT)
    try:
        services.cancel_registration(event, current_user(request))
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("events:detail", event.pk)


@require_safe
@_or_sign_in
def calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The event as an iCalendar file."""
    event = _event(request, pk, Action.VIEW_EVENT)
    response = HttpResponse(
        calendar_file([event], event.title), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    """A person's events as a calendar feed; the secret token in the address is the key."""
    form = FeedForm(request.GET)
    if not form.is_valid():
        raise Http404("No such calendar")
    found = CalendarFeed.objects.select_related("user").filter(token=form.cleaned_data["token"])
    owner = found.first()
    if owner is None or not owner.user.is_active:
        raise Http404("No such calendar")
    response = HttpResponse(
        calendar_file(queries.feed_events(owner.user), _("My citycert events")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """A person's events and the secret address of their calendar feed."""
    policy.authorize(request.user, Action.VIEW_DASHBOARD)
    user = current_user(request)
    token = services.feed_token(user)
    response = render(
        request,
        "events/mine.html",
        {
            "registrations": queries.my_registrations(user),
            "feed_url": absolute(reverse("events:feed")) + f"?token={token}",
        },
    )
    response["Cache-Control"] = "private, no-store"  # the address is a secret
    return response


@login_required
@require_POST
def reset_feed(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.VIEW_DASHBOARD)
    services.reset_feed_token(current_user(request))
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("events:mine")


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    policy.authorize_event(request.user, Action.ORGANISE_EVENTS)
    user = current_user(request)
    form = EventForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        event = services.save_event(form.save(commit=False), user)
        messages.success(request, _("The event is published."))
        return redirect("events:detail", event.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/form.html", {"form": form, "event": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@_or_sign_in
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, Action.MANAGE_EVENT)
    user = current_user(request)
    form = EventForm(request.POST if request.method == "POST" else None, instance=event, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_event(form.save(commit=False), user)
        except services.EventError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:detail", event.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/form.html", {"form": form, "event": event}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@_or_sign_in
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel the event: a GET asks first; the confirmed POST cancels and tells everyone."""
    event = _event(request, pk, Action.MANAGE_EVENT)
    if confirmed(request):
        if services.cancel_event(event, current_user(request)):
            messages.success(request, _("The event is cancelled; everyone registered is told."))
        return redirect("events:detail", event.pk)
    return render(
        request,
        "confirm.html",
        {
            "question": _("Cancel “%(title)s”?") % {"title": event.title},
            "consequence": _(
                "Everyone registered or waiting is told by email. A cancelled event cannot "
                "be scheduled again."
            ),
            "action": reverse("events:cancel", args=[event.pk]),
            "button": _("Cancel the event"),
            "cancel": reverse("events:detail", args=[event.pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@_or_sign_in
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser records who came."""
    event = _event(request, pk, Action.MANAGE_EVENT)
    registrations = list(
        event.registrations.filter(state=Registration.State.REGISTERED)
        .select_related("user")
        .order_by("user__name", "user__email")
    )
    form = AttendanceForm(
        request.POST if request.method == "POST" else None, registrations=registrations
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_attendance(event, form.ids(), current_user(request))
            except services.EventError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Attendance recorded."))
            return redirect("events:attendance", event.pk)
        status = 400
    return render(
        request,
        "events/attendance.html",
        {
            "event": event,
            "form": form,
            "registrations": registrations,
            "started": event.starts_at <= timezone.now(),
        },
        status=status,
    )
