"""The network's pages: the members' directory and one's own profile; portfolios, their page
and CSV export; and a city's side of its portfolios. Views parse input with forms, ask the
policy once, call a service, and say what happens next."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.accounts import policy
from citycert.accounts.models import User
from citycert.accounts.policy import Action
from citycert.cities.models import City
from citycert.web import authorized, current_user

from . import queries, sections, services
from .forms import (
    AnswerForm,
    DirectoryFilterForm,
    InviteCityForm,
    OwnerForm,
    PortfolioForm,
    ProfileForm,
)
from .models import Portfolio, PortfolioCity


def _form_errors(request: HttpRequest, form: Any) -> None:
    """Each field error as a message naming its field (for forms posted from another page)."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(e) for e in errors)
        messages.error(request, f"{label}: {text}" if label else text)


# The members' directory -------------------------------------------------------------------


@login_required
@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    """Listed network members, by topic, language and country (network members only)."""
    if not policy.can(request.user, Action.VIEW_NETWORK):
        return render(request, "network/join.html", status=403)
    form = DirectoryFilterForm(request.GET or None)
    chosen = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = queries.directory_rows(
        topic=chosen.get("topic", ""),
        language=chosen.get("language", ""),
        country=chosen.get("country", ""),
    )
    topics = dict(form.fields["topic"].choices)  # type: ignore[attr-defined]
    languages = dict(queries.language_choices())
    return render(
        request,
        "network/directory.html",
        {
            "form": form,
            "rows": [
                {
                    "row": r,
                    "topics": [topics.get(t, t) for t in r.topics],
                    "languages": [languages.get(code, code) for code in r.languages],
                }
                for r in rows
            ],
            "profile": services.profile_of(current_user(request)),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """One's own directory profile and digest choice (network members only)."""
    if not policy.can(request.user, Action.VIEW_NETWORK):
        return render(request, "network/join.html", status=403)
    mine = services.profile_of(current_user(request))
    form = ProfileForm(request.POST or None, instance=mine)
    if request.method == "POST":
        if form.is_valid():
            services.save_profile(form.save(commit=False))
            messages.success(request, _("Your network profile is saved."))
            return redirect("network:profile")
        return render(request, "network/profile.html", {"form": form}, status=400)
    return render(request, "network/profile.html", {"form": form})


# Portfolios -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def portfolios(request: HttpRequest) -> HttpResponse:
    """The portfolios the person holds; program admins see every one and create them."""
    user = current_user(request)
    is_admin = policy.can(user, Action.MANAGE_PORTFOLIOS)
    form = PortfolioForm(request.POST or None)
    status = 200
    if request.method == "POST":
        policy.authorize(user, Action.MANAGE_PORTFOLIOS)
        if form.is_valid():
            owner = User.objects.filter(email__iexact=form.cleaned_data["owner"]).first()
            if owner is None:
                form.add_error("owner", _("No one with this email address has an account."))
            else:
                made = services.create_portfolio(
                    name=form.cleaned_data["name"],
                    slug=form.cleaned_data["slug"],
                    kind=form.cleaned_data["kind"],
                    owners=[owner],
                    by=user,
                )
                messages.success(request, _("The portfolio is created."))
                return redirect("network:portfolio", slug=made.slug)
        status = 400
    return render(
        request,
        "network/portfolios.html",
        {
            "portfolios": queries.held_by(user, every=is_admin),
            "form": form if is_admin else None,
        },
        status=status,
    )


def _portfolio(request: HttpRequest, slug: str, action: Action) -> Portfolio:
    found = get_object_or_404(Portfolio, slug=slug)
    policy.authorize_portfolio(request.user, action, found)
    return found


@login_required
@require_safe
def portfolio(request: HttpRequest, slug: str) -> HttpResponse:
    """A portfolio's consenting cities: levels, progress, criteria met, what needs attention."""
    held = _portfolio(request, slug, Action.VIEW_PORTFOLIO)
    today = timezone.localdate()
    cities = queries.consenting(held)
    user = current_user(request)
    return render(
        request,
        "network/portfolio.html",
        {
            "portfolio": held,
            # The registered columns are in their own sections below: not read twice.
            "rows": queries.city_rows(cities, today, extra=False),
            "distribution": queries.distribution(cities),
            "potential": queries.improvement_potential(cities),
            "sections": sections.portfolio_sections(held, cities, today),
            "waiting": queries.waiting(held),
            "owners": held.owners.order_by("name", "email"),
            "can_invite": policy.portfolio_relations(user, held) & {policy.OWNER},
            "can_manage": policy.can(user, Action.MANAGE_PORTFOLIOS),
            "invite_form": InviteCityForm(),
            "owner_form": OwnerForm(),
            "today": today,
        },
    )


def _cell(value: Any) -> Any:
    """A cell a spreadsheet will not read as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@login_required
@require_safe
def portfolio_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The page's per-city rows as CSV: consenting cities only."""
    held = _portfolio(request, slug, Action.VIEW_PORTFOLIO)
    rows = queries.city_rows(queries.consenting(held), timezone.localdate())
    columns = (*queries.CSV_COLUMNS, *sections.extra_columns())
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        record = queries.row_record(row)
        writer.writerow([_cell(record.get(c, "")) for c in columns])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{held.slug}.csv"'
    return response


@login_required
@require_POST
def portfolio_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Ask a city to join. The answer is the same whether or not the city takes part in the
    program, so that no one learns it from here."""
    held = _portfolio(request, slug, Action.INVITE_TO_PORTFOLIO)
    form = InviteCityForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("network:portfolio", slug=held.slug)
    found = list(
        City.objects.filter(
            name__iexact=form.cleaned_data["name"].strip(), country=form.cleaned_data["country"]
        )[:2]
    )
    if len(found) == 1:
        services.invite(held, found[0], current_user(request))
    messages.success(
        request,
        _(
            "If this city takes part in the program, its lead is asked to consent. It appears "
            "here once it does."
        ),
    )
    return redirect("network:portfolio", slug=held.slug)


@login_required
@require_POST
def portfolio_owner(request: HttpRequest, slug: str) -> HttpResponse:
    """Add an owner to a portfolio (program admins)."""
    policy.authorize(request.user, Action.MANAGE_PORTFOLIOS)
    held = get_object_or_404(Portfolio, slug=slug)
    form = OwnerForm(request.POST)
    if form.is_valid():
        person = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if person is None:
            messages.error(
                request,
                _("Email address: No one with this email address has an account."),
            )
        else:
            services.add_owner(held, person)
            messages.success(request, _("The owner is added."))
    else:
        _form_errors(request, form)
    return redirect("network:portfolio", slug=held.slug)


# A city's side ----------------------------------------------------------------------------


@login_required
@require_safe
def city_portfolios(request: HttpRequest, slug: str) -> HttpResponse:
    """The portfolios that ask for or hold the city; its lead consents, declines, withdraws."""
    access = authorized(request, slug, Action.VIEW_CITY)
    return render(
        request,
        "network/city_portfolios.html",
        {
            "city": access.city,
            "entries": queries.city_entries(access.city),
            "can_answer": access.can(Action.ANSWER_PORTFOLIO),
            "State": PortfolioCity.State,
        },
    )


@login_required
@require_POST
def city_portfolio_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = authorized(request, slug, Action.ANSWER_PORTFOLIO)
    entry = get_object_or_404(PortfolioCity, pk=pk, city=access.city)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("network:city_portfolios", slug=access.city.slug)
    step = {
        "consent": services.consent,
        "decline": services.decline,
        "withdraw": services.withdraw,
    }[form.cleaned_data["decision"]]
    try:
        step(entry, current_user(request))
    except (services.StepRefusedError, IntegrityError) as refused:
        messages.error(request, str(refused))
    else:
        done = {
            "consent": _("Your city is now in the portfolio %(name)s."),
            "decline": _("You declined the invitation of %(name)s."),
            "withdraw": _("Your city has left the portfolio %(name)s: it no longer sees it."),
        }[form.cleaned_data["decision"]]
        messages.success(request, done % {"name": entry.portfolio.name})
    return redirect("network:city_portfolios", slug=access.city.slug)
