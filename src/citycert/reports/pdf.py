"""The report as a PDF: the same template as the page, laid out for print by WeasyPrint.

The document gets a cover (city, date, Standard version), page numbers from CSS page counters,
and the fonts fontconfig finds (DejaVu Sans is asked for first: it covers the accents of Spanish,
Portuguese and French). It is a tagged PDF/UA-1 document, so assistive technology reads its
structure, language and title. WeasyPrint fetches nothing: every resource is inline, and its URL
fetcher refuses every address, so a text from a city can never make it load anything.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources

from django.core.files.base import ContentFile
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import queries
from .chart import chart
from .models import ReportFile

logger = logging.getLogger(__name__)


@cache
def _stylesheet() -> str:
    return (resources.files("citycert.reports") / "pdf.css").read_text(encoding="utf-8")


def render(report: queries.Report, language: str) -> bytes:
    """The PDF of `report`, with its texts in `language`."""
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    with translation.override(language):
        html = render_to_string(
            "reports/pdf.html",
            {"report": report, "chart": chart(report), "generated": timezone.now(), "pdf": True},
        )
    fetcher = URLFetcher(allowed_protocols=set())
    document = HTML(string=html, url_fetcher=fetcher)
    # PDF/UA-1: a tagged structure tree (headings, lists, tables, reading order) for screen
    # readers, the document language from <html lang>, the title from <title>, shown as such.
    return bytes(
        document.write_pdf(
            stylesheets=[CSS(string=_stylesheet(), url_fetcher=fetcher)], pdf_variant="pdf/ua-1"
        )
    )


def subject_of(report_file: ReportFile) -> queries.Subject:
    if report_file.assessment_id is not None:
        subject = queries.assessment_subject(report_file.city, report_file.assessment_id)
    else:
        subject = queries.snapshot_subject(report_file.city, report_file.snapshot_id)
    if subject is None:
        raise LookupError(f"the subject of report file {report_file.pk} is gone")
    return subject


def generate(report_file_id: int) -> None:
    """Make and store the PDF of a queued ReportFile; on any error, mark it failed (and raise,
    so that the worker records the error too)."""
    now = timezone.now()
    taken = ReportFile.objects.filter(pk=report_file_id, status=ReportFile.Status.QUEUED).update(
        status=ReportFile.Status.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    if not taken:  # asked for again, or already made by another worker
        return
    report_file = ReportFile.objects.select_related("city").get(pk=report_file_id)
    try:
        report = queries.build(subject_of(report_file))
        data = render(report, report_file.language)
        report_file.file.save(f"{report_file.city.slug}.pdf", ContentFile(data), save=False)
        report_file.size = len(data)
        report_file.status = ReportFile.Status.READY
        report_file.error = ""
        report_file.finished_at = timezone.now()
        report_file.save(update_fields=["file", "size", "status", "error", "finished_at"])
    except Exception as exc:
        logger.exception("report PDF %s could not be made", report_file_id)
        if report_file.file:  # stored, but the row could not say so: no orphan file
            report_file.file.delete(save=False)
        ReportFile.objects.filter(pk=report_file_id).update(
            status=ReportFile.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:300],
            finished_at=timezone.now(),
        )
        raise
