"""A site whose layout cannot be drawn (its home page has no name to link to): the
server-error page must still answer, with the plain page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault in a view")


urlpatterns = [path("boom/", boom)]
handler500 = "citycert.errors.server_error"
