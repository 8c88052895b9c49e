"""URLs for the error-page tests: the site's, plus a view that fails."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from citycert.urls import urlpatterns as site_patterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault in a view")


urlpatterns = [path("boom/", boom), *site_patterns]
handler500 = "citycert.errors.server_error"
