"""Pages anyone can read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citycert.standards.models import StandardVersion


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    current = StandardVersion.objects.filter(status=StandardVersion.Status.CURRENT).first()
    return render(request, "public/home.html", {"current": current})
