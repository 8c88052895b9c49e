"""The report as a PDF: asked for on the page, made by the database worker for real (WeasyPrint),
shown as it progresses, offered as a download; a failure says so and can be tried again."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from citycert import work
from citycert.reports import services
from citycert.reports.models import ReportFile
from tests.reports.conftest import signed_in

# The worker commits and checks its connection between tasks, as in production: the tests run
# outside a wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    """The worker command as it runs in production, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_is_made_in_the_background_and_offered_for_download(rosario) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    client = signed_in(lead)
    url = f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/"
    assert "Make a PDF of this report" in client.get(url).text

    response = client.post(url)
    report_file = ReportFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url}#pdf-{report_file.pk}"
    assert (report_file.status, report_file.language) == ("queued", "en")
    page = client.get(url).text
    assert "The PDF is waiting to be made." in page
    assert f'href="{url}#pdf-{report_file.pk}"' in page  # the refresh link, without JavaScript
    status_url = f"/my/cities/{c.slug}/reports/pdf/{report_file.pk}/"
    fragment = client.get(status_url, headers={"HX-Request": "true"}).text
    assert 'hx-trigger="every 2s"' in fragment
    client.post(url)  # asked again while queued: the same PDF, not a second one
    assert ReportFile.objects.count() == 1

    run_worker()

    report_file.refresh_from_db()
    assert report_file.status == "ready" and report_file.attempts == 1
    fragment = client.get(status_url, headers={"HX-Request": "true"}).text
    assert "hx-trigger" not in fragment and "Download the PDF" in fragment
    download = f"/my/cities/{c.slug}/reports/pdf/{report_file.pk}/download/"
    assert download in client.get(url).text
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 4
    cover = reader.pages[0].extract_text()
    assert "Rosario" in cover and "2022 Standard (version 3.0)" in cover
    text = pdf_text(data)
    assert "Data strategy and governance" in text and "Opportunities" in text
    assert "2 / " in reader.pages[1].extract_text()  # numbered from the first page after the cover


def test_the_pdf_is_made_in_the_reader_s_language(rosario) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    client = signed_in(lead)
    client.post("/i18n/setlang/", {"language": "es"})
    client.post(f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/")
    run_worker()
    report_file = ReportFile.objects.get()
    assert report_file.language == "es"
    text = pdf_text(report_file.file.read())
    assert "Estándar 2022 (versión 3.0)" in text
    assert "Gestión de datos" in text and "Contratación orientada a resultados" in text
    assert "Rosario" in text


def test_a_failed_pdf_says_so_and_can_be_tried_again(rosario) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    client = signed_in(lead)
    url = f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/"
    client.post(url)
    report_file = ReportFile.objects.get()
    # Storage that cannot be written to: its folder is a file.
    blocker = Path(tempfile.mkstemp()[1])
    broken = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocker / "media")},
    }
    with override_settings(STORAGES={**settings.STORAGES, "default": broken}):
        run_worker()
    report_file.refresh_from_db()
    assert report_file.status == "failed" and report_file.error
    assert not report_file.file
    page = client.get(url).text
    assert "The PDF could not be made." in page and "Try again" in page
    assert "Download the PDF" not in page

    response = client.post(f"/my/cities/{c.slug}/reports/pdf/{report_file.pk}/retry/")
    assert response.status_code == 302
    report_file.refresh_from_db()
    assert report_file.status == "queued" and report_file.error == ""
    run_worker()
    report_file.refresh_from_db()
    assert (report_file.status, report_file.attempts) == ("ready", 2)
    assert report_file.file.read().startswith(b"%PDF")
    with pytest.raises(services.ReportError, match="Only a PDF that could not be made"):
        services.retry(report_file, lead)
    blocker.unlink()


def test_a_pdf_stalled_by_a_stopped_worker_can_be_asked_for_again(rosario) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    client = signed_in(lead)
    client.post(f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/")
    report_file = ReportFile.objects.get()
    ReportFile.objects.filter(pk=report_file.pk).update(
        status="running", started_at=timezone.now() - work.stale_after() * 2
    )
    client.post(f"/my/cities/{c.slug}/reports/pdf/{report_file.pk}/retry/")
    run_worker()
    report_file.refresh_from_db()
    assert report_file.status == "ready"


def test_the_pdf_is_tagged_with_its_language_and_title(rosario) -> None:  # type: ignore[no-untyped-def]
    """PDF/UA-oriented checks of the structure (veraPDF is not in these registries): a
    structure tree whose headings, paragraphs, lists and tables assistive technology can
    follow, the document's language, and a title shown in place of the file name."""
    c, lead, assessment = rosario
    client = signed_in(lead)
    client.post("/i18n/setlang/", {"language": "fr"})
    client.post(f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/")
    run_worker()
    reader = PdfReader(io.BytesIO(ReportFile.objects.get().file.read()))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr"
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata is not None and reader.metadata.title == "Rosario : rapport"
    roles: set[str] = set()

    def walk(node, depth: int = 0) -> None:  # type: ignore[no-untyped-def]
        node = node.get_object()
        if "/S" in node:
            roles.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is None or depth > 60:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid, depth + 1)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/P", "/L", "/LI", "/Table", "/TR"} <= roles, roles
    # Every page's content is tied to the structure (marked content), none left untagged.
    assert all("/StructParents" in page for page in reader.pages)
