"""Top-level URLs. Each app owns its own; this file only mounts them."""

from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("citycert.public.urls")),
    path("standard/", include("citycert.standards.urls")),
    # Before accounts: "my/cities/register/" must not be read as a city called "register".
    path("", include("citycert.cities.urls")),
    path("", include("citycert.reviews.urls")),
    # Before accounts: "my/cities/<slug>/assessment/" is the assessment, not a team page.
    path("", include("citycert.assessments.urls")),
    path("", include("citycert.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]
