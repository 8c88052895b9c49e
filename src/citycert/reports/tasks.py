"""Background tasks of the reports app, run by the database worker (`citycert db_worker`)."""

from __future__ import annotations

from django.tasks import task


@task()
def make_pdf(report_file_id: int) -> None:
    """Make the PDF of one ReportFile (see pdf.generate)."""
    from .pdf import generate

    generate(report_file_id)
