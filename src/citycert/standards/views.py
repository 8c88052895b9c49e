"""The Standard in public: the versions, and each version's areas and criteria."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from . import links, queries


@require_safe
def version_list(request: HttpRequest) -> HttpResponse:
    return render(request, "standards/version_list.html", {"versions": queries.versions()})


@require_safe
def version_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = queries.version_with_criteria(code)
    return render(
        request,
        "standards/version_detail.html",
        {"version": version, "criterion_links": links.collect()},
    )
