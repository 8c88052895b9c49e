"""Registering a city (any signed-in person, who becomes its lead) and the program's registry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from citycert.accounts import policy
from citycert.accounts.policy import Action
from citycert.web import current_user

from . import gazetteer, queries, services
from .forms import ChoosePlaceForm, CityFactsForm, GazetteerSearchForm
from .models import City


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


def _register(request: HttpRequest, *, as_lead: bool) -> City | None:
    """Register the chosen place; on refusal, a message saying why and None."""
    form = ChoosePlaceForm(request.POST)
    place = gazetteer.get(form.cleaned_data["place"]) if form.is_valid() else None
    if place is None:
        messages.error(request, _("That place was not found in the gazetteer. Search again."))
        return None
    try:
        city = services.register(place, current_user(request), as_lead=as_lead)
    except services.AlreadyRegisteredError as exc:
        if as_lead:
            messages.error(
                request,
                _(
                    "%(city)s already has a team on citycert. Ask its lead to invite you, or "
                    "contact the program if you cannot reach them."
                )
                % {"city": place.name},
            )
        else:
            messages.info(request, _("%(city)s is already registered.") % {"city": exc.city})
        return None
    except services.NotEligibleError as exc:
        for reason in exc.result.reasons:
            messages.error(request, reason.message)
        return None
    return city


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.REGISTER_CITY)
    if request.method == "POST":
        city = _register(request, as_lead=True)
        if city is not None:
            messages.success(
                request, _("%(city)s is registered, and you are its lead.") % {"city": city.name}
            )
            return redirect("accounts:team", city.slug)
    form, results = _search(request)
    return render(
        request, "cities/register.html", {"form": form, "results": results, "as_lead": True}
    )


@login_required
@require_http_methods(["GET"])
def registry(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REGISTRY)
    query = request.GET.get("q", "")[:100]
    page = Paginator(queries.registry(query), 50).get_page(request.GET.get("page"))
    return render(request, "cities/registry.html", {"page": page, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def registry_new(request: HttpRequest) -> HttpResponse:
    policy.authorize(request.user, Action.MANAGE_REGISTRY)
    if request.method == "POST":
        city = _register(request, as_lead=False)
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
