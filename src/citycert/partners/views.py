"""Pages of coaching engagements: a city's list and the lead's invitation; one engagement (its
goals, criteria, sessions and progress) with its transitions; logging a session; a partner
staff member's list. Views parse, ask the policy, call a service or query, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.accounts import policy
from citycert.accounts.policy import Action
from citycert.web import authorized, current_user

from . import queries, services
from .forms import InviteForm, SessionForm
from .models import Engagement

#: The city's own people and admins see all its engagements; a coach only their partners'.
_CITY_SIDE = frozenset({policy.LEAD, policy.CONTRIBUTOR, policy.ADMIN})


@login_required
@require_safe
def city_engagements(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_ENGAGEMENTS)
    engagements = queries.of_city(access.city)
    if not access.relations & _CITY_SIDE:
        engagements = engagements.filter(
            organisation_id__in=queries.staff_organisation_ids(request.user)
        )
    return render(
        request,
        "partners/city_engagements.html",
        {
            "city": access.city,
            "engagements": engagements,
            "can_invite": access.can(Action.INVITE_PARTNER),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.INVITE_PARTNER)
    city = access.city
    form = InviteForm(request.POST or None, criteria=queries.criteria_for(city))
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.invite(
                city,
                form.cleaned_data["organisation"],
                form.cleaned_data["goals"],
                form.cleaned_data["criteria"],
                current_user(request),
            )
        except services.EngagementError as error:
            form.add_error("organisation", str(error))
        else:
            messages.success(
                request,
                _("%(partner)s is invited. Its staff will see your city once they accept.")
                % {"partner": engagement.organisation},
            )
            return redirect("partners:engagement", city.slug, engagement.pk)
    return render(
        request,
        "partners/invite.html",
        {"city": city, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _engagement(request: HttpRequest, slug: str, pk: int, action: Action) -> Engagement:
    """The engagement, if the policy lets this person do `action` on it (else 404 / 403)."""
    engagement = get_object_or_404(
        Engagement.objects.select_related("city", "organisation"), pk=pk, city__slug=slug
    )
    policy.authorize(request.user, action, obj=engagement)
    return engagement


@login_required
@require_safe
def engagement(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _engagement(request, slug, pk, Action.VIEW_ENGAGEMENT)
    access = policy.engagement_access(request.user, found)
    show_progress = access.can(Action.VIEW_PROGRESS)
    criteria, rows = queries.progress(found) if show_progress else (list(found.criteria.all()), [])
    return render(
        request,
        "partners/engagement.html",
        {
            "engagement": found,
            "city": found.city,
            "criteria": criteria,
            "rows": rows,
            "show_progress": show_progress,
            "sessions": queries.sessions(found),
            "can_respond": found.state == Engagement.State.INVITED
            and access.can(Action.RESPOND_ENGAGEMENT),
            "can_withdraw": found.state == Engagement.State.INVITED
            and access.can(Action.WITHDRAW_ENGAGEMENT),
            "can_close": found.is_open and access.can(Action.CLOSE_ENGAGEMENT),
            "can_log": found.is_open and access.can(Action.LOG_SESSION),
            "can_list": policy.can(request.user, Action.VIEW_ENGAGEMENTS, found.city),
        },
    )


def _transition(
    request: HttpRequest, slug: str, pk: int, action: Action, move: services.Transition, done: str
) -> HttpResponse:
    found = _engagement(request, slug, pk, action)
    try:
        move(found, current_user(request))
    except services.EngagementError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"partner": found.organisation, "city": found.city})
    return redirect("partners:engagement", slug, pk)


@login_required
@require_POST
def accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition(
        request,
        slug,
        pk,
        Action.RESPOND_ENGAGEMENT,
        services.accept,
        _("The engagement with %(city)s is open: you can now see its work and log sessions."),
    )


@login_required
@require_POST
def decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition(
        request,
        slug,
        pk,
        Action.RESPOND_ENGAGEMENT,
        services.decline,
        _("You declined the invitation of %(city)s."),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition(
        request,
        slug,
        pk,
        Action.WITHDRAW_ENGAGEMENT,
        services.withdraw,
        _("The invitation to %(partner)s is withdrawn."),
    )


@login_required
@require_POST
def close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _transition(
        request,
        slug,
        pk,
        Action.CLOSE_ENGAGEMENT,
        services.close,
        _("The engagement is closed: %(partner)s no longer sees the work of %(city)s."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_session(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _engagement(request, slug, pk, Action.LOG_SESSION)
    form = SessionForm(
        request.POST or None,
        people=queries.city_people(found.city),
        criteria=queries.session_criteria(found),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.log_session(found, current_user(request), **form.cleaned_data)
        except services.EngagementError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The session is logged; the city sees it."))
            return redirect("partners:engagement", slug, pk)
    return render(
        request,
        "partners/log_session.html",
        {"engagement": found, "city": found.city, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The engagements of the partner organisations the person works for."""
    policy.authorize(request.user, Action.VIEW_OWN_ENGAGEMENTS)
    return render(
        request, "partners/mine.html", {"engagements": queries.of_staff(current_user(request))}
    )
