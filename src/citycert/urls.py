"""Top-level URLs. Each app owns its own; this file only mounts them."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

urlpatterns = [
    path("", include("citycert.operations.urls")),
    path("api/v1/", include("citycert.api.urls")),
    path("", include("citycert.public.urls")),
    path("standard/", include("citycert.standards.urls")),
    path("learn/", include("citycert.learning.urls")),
    # Before accounts: "my/cities/register/" must not be read as a city called "register".
    path("", include("citycert.cities.urls")),
    path("", include("citycert.reviews.urls")),
    # Before accounts: "my/cities/<slug>/assessment/" is the assessment, not a team page.
    path("", include("citycert.assessments.urls")),
    path("", include("citycert.reports.urls")),
    path("", include("citycert.partners.urls")),
    path("", include("citycert.events.urls")),
    path("", include("citycert.network.urls")),
    path("", include("citycert.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Without CSRF: the language form is on cached public pages, shared by every visitor, so it
    # cannot carry a per-visitor token; the worst a forged request can do is change a language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
]

handler500 = "citycert.errors.server_error"
