"""The customised report pages and their PDFs. Thin: parse, ask the policy, read or write, render.

A report is visible to whoever the policy lets view the city's report (its team, its reviewers,
program admins and the coaches of its open engagements); the same people may ask for its PDF
and download it.
The page works without JavaScript (a link refreshes the PDF's progress); with htmx the progress
updates by itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citycert.accounts.audit import record_read
from citycert.accounts.policy import Access, Action
from citycert.learning import queries as learning
from citycert.web import authorized, current_user

from . import queries, services
from .chart import chart
from .models import ReportFile


def _language() -> str:
    return (get_language() or "en").split("-")[0]


@login_required
@require_safe
def index(request: HttpRequest, slug: str) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_REPORT)
    city = access.city
    assessments, snapshots = queries.subjects(city)
    allowed = access.assessments(Action.VIEW_REPORT)
    if allowed is not None:  # a reviewer: the assessments they review or reviewed, no more
        assessments = [a for a in assessments if a.pk in allowed]
        snapshots = []
    return render(
        request,
        "reports/index.html",
        {"city": city, "assessments": assessments, "snapshots": snapshots},
    )


def _report_page(request: HttpRequest, access: Access, subject: queries.Subject) -> HttpResponse:
    if request.method == "POST":
        report_file = services.request_pdf(subject, _language(), current_user(request))
        messages.success(
            request,
            _("The PDF is being made. This page shows when it is ready."),
        )
        return redirect(f"{_report_url(subject)}#pdf-{report_file.pk}")
    report = queries.build(subject)
    # The Learn links of the opportunities and the roadmap: every criterion's resources at once.
    codes = {line.code for line in report.opportunities} | {
        line.code for step in report.roadmap for line in (step.criteria or ())
    }
    return render(
        request,
        "reports/report.html",
        {
            "city": subject.city,
            "report": report,
            "chart": chart(report),
            "report_file": services.settled(services.latest_file(subject, _language())),
            "report_url": _report_url(subject),
            "learning": learning.resources_for_codes(
                subject.standard, codes, members=learning.is_member(request.user, access)
            ),
        },
    )


def _report_url(subject: queries.Subject) -> str:
    name = "reports:assessment" if subject.kind == "assessment" else "reports:snapshot"
    return reverse(name, args=[subject.city.slug, subject.pk])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assessment_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_REPORT)
    subject = queries.assessment_subject(access.city, pk)
    if subject is None:
        raise Http404("No such assessment")
    access.require(Action.VIEW_REPORT, subject.assessment)
    return _report_page(request, access, subject)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def snapshot_report(request: HttpRequest, slug: str, pk: Any) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_REPORT)
    subject = queries.snapshot_subject(access.city, pk)
    if subject is None:
        raise Http404("No such snapshot")
    access.require(Action.VIEW_REPORT, subject.snapshot)
    return _report_page(request, access, subject)


def _report_file(access: Access, pk: int) -> ReportFile:
    """The PDF, if the person may read the report it is of."""
    found = get_object_or_404(ReportFile, pk=pk, city=access.city)
    access.require(Action.VIEW_REPORT, found)
    return services.settled(found) or found


def _subject_url(report_file: ReportFile) -> str:
    if report_file.assessment_id is not None:
        return reverse(
            "reports:assessment", args=[report_file.city.slug, report_file.assessment_id]
        )
    return reverse("reports:snapshot", args=[report_file.city.slug, report_file.snapshot_id])


@login_required
@require_safe
def pdf_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The PDF's progress, as the fragment htmx polls; without htmx, the report page."""
    access = authorized(request, slug, Action.VIEW_REPORT)
    city = access.city
    report_file = _report_file(access, pk)
    if not request.headers.get("HX-Request"):
        return redirect(f"{_subject_url(report_file)}#pdf-{report_file.pk}")
    return render(
        request,
        "reports/_pdf.html",
        {"city": city, "report_file": report_file, "report_url": _subject_url(report_file)},
    )


@login_required
@require_POST
def pdf_retry(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = authorized(request, slug, Action.VIEW_REPORT)
    report_file = _report_file(access, pk)
    try:
        services.retry(report_file, current_user(request))
        messages.success(request, _("The PDF is being made again."))
    except services.ReportError as exc:
        messages.error(request, str(exc))
    return redirect(f"{_subject_url(report_file)}#pdf-{report_file.pk}")


@login_required
@require_safe
def pdf_download(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """Only for people the policy allows; always as a download, never shown inline."""
    access = authorized(request, slug, Action.VIEW_REPORT)
    city = access.city
    report_file = _report_file(access, pk)
    if report_file.status != ReportFile.Status.READY or not report_file.file:
        raise Http404("The PDF is not ready")
    date = report_file.finished_at or report_file.requested_at
    record_read(
        report_file.assessment or report_file,
        "report_pdf",
        city_id=city.pk,
        language=report_file.language,
        report_file=report_file.pk,
    )
    response = FileResponse(
        report_file.file.open("rb"),
        as_attachment=True,
        filename=f"citycert-report-{city.slug}-{date:%Y-%m-%d}-{report_file.language}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
