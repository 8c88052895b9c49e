"""The API itself: version 1, its routers, its error handling, and its documentation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Router
from ninja.openapi.docs import Swagger

from . import (
    assessments,
    cycle,
    errors,
    events,
    learning,
    portfolios,
    public,
    reviews,
    standards,
)
from .ratelimit import RateLimit

DESCRIPTION = """
The citycert API: the Standard, certified cities and announced cohorts for everyone; a city
team's assessment and the certification team's reviews for people with a personal API token
(create one under *My cities → API tokens*), sent as `Authorization: Bearer <token>`.

Every error has the same body: `{"error": {"code", "message", "fields"}}`. See docs/api.md for
examples, pagination, rate limits and the versioning policy.
"""

api = NinjaAPI(
    title="citycert API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # The interactive documentation uses the copy of Swagger UI that ships with django-ninja,
    # served from our own origin; it never fetches anything from elsewhere.
    docs=Swagger(settings={"validatorUrl": None, "tryItOutEnabled": False}),
)
errors.install(api)

public_router = Router(throttle=RateLimit())
public_router.add_router("", standards.router)
public_router.add_router("", public.router)
public_router.add_router("", learning.router)
api.add_router("", public_router)
api.add_router("", assessments.router)
api.add_router("", reviews.router)
api.add_router("", cycle.router)
api.add_router("", events.router)
api.add_router("", portfolios.router)

__all__ = ["_", "api"]
