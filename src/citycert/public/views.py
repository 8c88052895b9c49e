"""Pages anyone can read."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citycert.reviews import queries as certifications
from citycert.standards.models import StandardVersion


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    current = StandardVersion.objects.filter(status=StandardVersion.Status.CURRENT).first()
    return render(request, "public/home.html", {"current": current})


@require_safe
def cohorts(request: HttpRequest) -> HttpResponse:
    published = sorted(certifications.published_cohorts(), key=lambda c: c.sort_key, reverse=True)
    return render(request, "public/cohorts.html", {"cohorts": published})


@require_safe
def cohort(request: HttpRequest, label: str) -> HttpResponse:
    summary = certifications.cohort_summary(certifications.published_cohort(label))
    return render(request, "public/cohort.html", summary)


@require_safe
def cohort_json(request: HttpRequest, label: str) -> JsonResponse:
    data = certifications.cohort_json(certifications.published_cohort(label))
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public open data
    return response
