"""Registering a city (any signed-in person, who becomes its lead) and the program's registry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.accounts import policy
from citycert.accounts.policy import Action
from citycert.web import authorized_city, current_user

from . import gazetteer, queries, services
from .forms import (
    ChoosePlaceForm,
    CityFactsForm,
    DecideRequestForm,
    GazetteerSearchForm,
    RequestCityForm,
)
from .models import City, CityRequest


def _search(request: HttpRequest) -> tuple[GazetteerSearchForm, list[dict[str, object]]]:
    """The gazetteer search on a GET form, each candidate with its eligibility today."""
    form = GazetteerSearchForm(request.GET or None)
    results: list[dict[str, object]] = []
    if form.is_valid():
        places = gazetteer.search(form.cleaned_data["q"], limit=15)
        registered = set(
            City.objects.filter(gazetteer_id__in=[p.gazetteer_id for p in places]).values_list(
                "gazetteer_id", flat=True
            )
        )
        results = [
            {
                "place": place,
                "eligibility": services.check_eligibility(place),
                "registered": place.gazetteer_id in registered,
            }
            for place in places
        ]
    return form, results


def _register(request: HttpRequest) -> City | None:
    """Add the chosen place to the registry (a program admin, without a team); on refusal, a
    message saying why and None."""
    form = ChoosePlaceForm(request.POST)
    place = gazetteer.get(form.cleaned_data["place"]) if form.is_valid() else None
    if place is None:
        messages.error(request, _("That place was not found in the gazetteer. Search again."))
        return None
    try:
        return services.register(place, current_user(request))
    except services.AlreadyRegisteredError as exc:
        messages.info(request, _("%(city)s is already registered.") % {"city": exc.city})
    except services.NotEligibleError as exc:
        for reason in exc.result.reasons:
            messages.error(request, reason.message)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Ask to take part for a city. Whether the city already has a team or not, the page says
    the same: the request goes to its lead, or to a program admin."""
    policy.authorize(request.user, Action.REGISTER_CITY)
    if request.method == "POST":
        chosen = ChoosePlaceForm(request.POST)
        place = gazetteer.get(chosen.cleaned_data["place"]) if chosen.is_valid() else None
        posted = RequestCityForm(request.POST)
        eligible = services.check_eligibility(place) if place is not None else None
        if place is None:
            messages.error(request, _("That place was not found in the gazetteer. Search again."))
        elif eligible is not None and not eligible.eligible:
            for reason in eligible.reasons:
                messages.error(request, reason.message)
        elif not posted.is_valid():
            # The second step: say who you are (an error only once something was sent).
            if "statement" not in request.POST:
                posted = RequestCityForm(initial={"place": place.gazetteer_id})
            return render(
                request,
                "cities/request.html",
                {"place": place, "form": posted},
                status=400 if posted.is_bound else 200,
            )
        else:
            try:
                found = services.request_city(
                    place, current_user(request), posted.cleaned_data["statement"]
                )
            except services.NotEligibleError as exc:
                for reason in exc.result.reasons:
                    messages.error(request, reason.message)
            except services.RequestError as exc:
                messages.error(request, str(exc))
            else:
                if found.status == CityRequest.Status.APPROVED:
                    messages.success(
                        request,
                        _(
                            "Your address is on %(city)s's official domain: you are the lead "
                            "of its team. Invite your colleagues from the team page."
                        )
                        % {"city": found.city.name},
                    )
                    return redirect("accounts:team", found.city.slug)
                messages.success(
                    request,
                    _(
                        "Your request about %(city)s is recorded. If the city already works on "
                        "citycert, its lead decides whether to add you; otherwise a program "
                        "admin confirms you as its lead. You will get an email either way."
                    )
                    % {"city": place.name},
                )
                return redirect("accounts:dashboard")
    form, results = _search(request)
    return render(
        request, "cities/register.html", {"form": form, "results": results, "as_lead": True}
    )


@login_required
@require_safe
def claims(request: HttpRequest) -> HttpResponse:
    """Requests to lead a city that has no team, for a program admin to confirm."""
    policy.authorize(request.user, Action.MANAGE_REGISTRY)
    pending = CityRequest.objects.filter(
        claim=True, status=CityRequest.Status.PENDING
    ).select_related("city", "person")
    return render(request, "cities/claims.html", {"pending": pending})


@login_required
@require_POST
def decide_claim(request: HttpRequest, pk: int) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REGISTRY)
    found = get_object_or_404(CityRequest, pk=pk, claim=True)
    return _decide(request, found, redirect("cities:claims"))


@login_required
@require_POST
def decide_join(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The city's lead adds a person who asked to join, or declines."""
    city = authorized_city(request, slug, Action.MANAGE_TEAM)
    found = get_object_or_404(CityRequest, pk=pk, city=city, claim=False)
    return _decide(request, found, redirect("accounts:team", city.slug))


def _decide(request: HttpRequest, found: CityRequest, back: HttpResponse) -> HttpResponse:
    form = DecideRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to decline."))
        return back
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide(found, approve=approve, by=current_user(request))
    except services.RequestError as exc:
        messages.error(request, str(exc))
        return back
    messages.success(
        request,
        (
            _("%(person)s is on the %(city)s team now, and is told by email.")
            if approve
            else _("The request of %(person)s is declined, and they are told by email.")
        )
        % {"person": found.person, "city": found.city.name},
    )
    return back


@login_required
@require_http_methods(["GET"])
def registry(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REGISTRY)
    query = request.GET.get("q", "")[:100]
    page = Paginator(queries.registry(query), 50).get_page(request.GET.get("page"))
    waiting = CityRequest.objects.filter(claim=True, status=CityRequest.Status.PENDING).count()
    return render(
        request, "cities/registry.html", {"page": page, "query": query, "waiting": waiting}
    )


@login_required
@require_http_methods(["GET", "POST"])
def registry_new(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REGISTRY)
    if request.method == "POST":
        city = _register(request)
        if city is not None:
            messages.success(request, _("%(city)s is registered.") % {"city": city})
            return redirect("cities:registry_detail", city.slug)
    form, results = _search(request)
    return render(
        request, "cities/register.html", {"form": form, "results": results, "as_lead": False}
    )


@login_required
@require_http_methods(["GET", "POST"])
def registry_detail(request: HttpRequest, slug: str) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REGISTRY)
    city = get_object_or_404(City, slug=slug)
    form = CityFactsForm(request.POST or None, instance=city)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The facts of %(city)s are saved.") % {"city": city.name})
        return redirect("cities:registry_detail", city.slug)
    return render(
        request,
        "cities/registry_detail.html",
        {
            "city": city,
            "form": form,
            "team": city.memberships.select_related("user"),
            # Read only: reviewers are given assessments from the review queue.
            "assessments": city.assessments.select_related("standard")
            .prefetch_related("assignments__reviewer")
            .order_by("-created_at"),
        },
    )
