"""Umbrella bodies' portfolios through the API: the portfolios a person holds, and one
portfolio's consenting cities (never a city that has not consented, or has withdrawn)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.params import functions as params

from citycert.accounts import policy
from citycert.accounts.policy import Action
from citycert.network import queries
from citycert.network.models import Portfolio
from citycert.web import current_user

from .auth import token_auth
from .errors import AUTHENTICATED, errors
from .ratelimit import RateLimit
from .schemas import SLUG

router = Router(tags=["Portfolios"], auth=token_auth, throttle=RateLimit())


class PortfolioOut(Schema):
    slug: str
    name: str
    kind: str
    cities: int  # consenting cities


class PortfolioCityOut(Schema):
    city: str
    name: str
    country: str
    level: str
    awarded_on: dt.date | None
    valid_until: dt.date | None
    certification_status: str
    assessment_state: str
    criteria: int
    answered: int
    met: int
    percent_answered: int
    percent_met: int
    last_saved: dt.date | None
    extra: dict[str, Any]


class PortfolioDetailOut(PortfolioOut):
    rows: list[PortfolioCityOut]


def _summary(p: Any) -> dict[str, Any]:
    return {"slug": p.slug, "name": p.name, "kind": p.kind, "cities": p.consenting}


@router.get(
    "/portfolios",
    response={200: list[PortfolioOut], **errors(*AUTHENTICATED)},
    summary="Portfolios you hold",
)
def list_portfolios(request: HttpRequest) -> list[dict[str, Any]]:
    """The portfolios the token's owner holds, with how many cities consented to each."""
    return [_summary(p) for p in queries.held_by(current_user(request))]


@router.get(
    "/portfolios/{slug}",
    response={200: PortfolioDetailOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="A portfolio's consenting cities",
)
def get_portfolio(
    request: HttpRequest,
    slug: str = params.Path(..., pattern=SLUG, description="The portfolio's short name."),
) -> dict[str, Any]:
    """Each consenting city's level, certification and assessment progress, as on the
    portfolio's page and in its CSV export (its owners and program admins)."""
    found = get_object_or_404(Portfolio, slug=slug)
    policy.authorize_portfolio(request.user, Action.VIEW_PORTFOLIO, found)
    rows = queries.city_rows(queries.consenting(found), timezone.localdate())
    return {
        "slug": found.slug,
        "name": found.name,
        "kind": found.kind,
        "cities": len(rows),
        "rows": [
            {
                "city": r.city.slug,
                "name": r.city.name,
                "country": r.city.country,
                "level": r.level,
                "awarded_on": r.awarded_on,
                "valid_until": r.valid_until,
                "certification_status": r.status,
                "assessment_state": r.assessment_state,
                "criteria": r.counts.total,
                "answered": r.counts.answered,
                "met": r.counts.met,
                "percent_answered": r.counts.percent_answered,
                "percent_met": r.counts.percent_met,
                "last_saved": r.counts.last_saved.date() if r.counts.last_saved else None,
                "extra": r.extra,
            }
            for r in rows
        ],
    }
