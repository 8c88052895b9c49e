"""Benchmark: the customised report of a full 2022 assessment, as a page and as a PDF.

Sets up a real database (a fresh SQLite file in a temporary folder, or the database DATABASE_URL
names: give it an empty one), migrates it, loads the Standard, and builds a city with every
criterion of the 2022 Standard answered (30 claimed in full, 5 started, the rest not met), an
earlier decided assessment and seven peers with submitted assessments, so that every part of
the report has work to do. Static files are collected as in production (DEBUG off).

Then, in the same run, it measures:
- a plain page of the same app for the same person (the city's team page): the baseline;
- the HTML report page;
- the PDF: what the worker does for one ReportFile (build the report, WeasyPrint, store it).

Medians of several rounds after a warm-up. Targets: HTML <= 5x the plain page; PDF <= 3 s.

    uv run python bench/report.py [--rounds 15] [--pdf-rounds 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HTML_TARGET = 5.0  # times the plain page
PDF_TARGET = 3.0  # seconds


def configure(folder: Path) -> None:
    """Production-like settings on a throw-away database and folders."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citycert.settings")
    os.environ["CITYCERT_VAR_DIR"] = str(folder)
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build_world() -> tuple[object, object, object, object]:
    """The city, its lead, its full 2022 assessment, and a signed-in client."""
    from django.core.management import call_command
    from django.test import Client
    from tests import factories as f
    from tests.reports.conftest import assessed_city, decide

    from citycert.standards.services import load_files

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    load_files()
    city, lead, earlier = assessed_city("Rosario", claimed=28, admin_area="Santa Fe")
    decide(earlier, validated=25, cohort="2023-06")
    from citycert.assessments import services

    current = services.start(city, lead, carry_forward=False)
    f.answer_all(current, lead, claimed=30)
    for answer in current.answers.select_related("criterion").order_by("-criterion__position")[:5]:
        keys = list(answer.criterion.checklist_items.values_list("key", flat=True))
        services.save_answer(
            answer,
            version=answer.version,
            status="claimed",
            items=keys[:1],
            narrative="Started.",
            links=[],
            by=lead,
        )
    for i, claimed in enumerate((12, 16, 18, 21, 25, 27, 33)):
        assessed_city(f"Peer {i}", claimed=claimed)
    client = Client()
    client.force_login(lead, backend="allauth.account.auth_backends.AuthenticationBackend")
    return city, lead, current, client


def median_seconds(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `fn` over `rounds` calls, after one warm-up."""
    fn()
    wall, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--pdf-rounds", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="citycert-bench-") as folder:
        configure(Path(folder))
        import django

        django.setup()
        from django.db import connection
        from pypdf import PdfReader

        from citycert.reports.models import ReportFile
        from citycert.reports.tasks import make_pdf

        city, lead, assessment, client = build_world()
        plain_url = f"/my/cities/{city.slug}/"  # type: ignore[attr-defined]
        report_url = f"/my/cities/{city.slug}/reports/assessments/{assessment.pk}/"  # type: ignore[attr-defined]

        def get(url: str) -> Callable[[], object]:
            def fetch() -> object:
                response = client.get(url)  # type: ignore[attr-defined]
                assert response.status_code == 200, (url, response.status_code)
                return response

            return fetch

        def pdf() -> object:
            report_file = ReportFile.objects.create(
                city=city, assessment=assessment, language="en", requested_by=lead
            )
            make_pdf.call(report_file.pk)
            report_file.refresh_from_db()
            assert report_file.status == "ready", report_file.error
            return report_file

        plain = median_seconds(get(plain_url), args.rounds)
        html = median_seconds(get(report_url), args.rounds)
        made = median_seconds(pdf, args.pdf_rounds)
        last = ReportFile.objects.filter(status="ready").last()
        pages = len(PdfReader(last.file.open("rb")).pages) if last else 0

        print(f"python {platform.python_version()} on {platform.machine()}, {connection.vendor}")
        print(
            "a full 2022 assessment: 43 criteria answered (30 claimed in full), "
            "an earlier decided assessment, 7 peers"
        )
        print(f"medians: {args.rounds} rounds for pages, {args.pdf_rounds} for the PDF")
        print(f"plain page (team):     {plain[0] * 1000:8.1f} ms   (CPU {plain[1] * 1000:.1f} ms)")
        print(f"HTML report:           {html[0] * 1000:8.1f} ms   (CPU {html[1] * 1000:.1f} ms)")
        print(f"PDF report:            {made[0]:8.2f} s    (CPU {made[1]:.2f} s, {pages} pages)")
        ratio = html[0] / plain[0]
        print(f"HTML / plain page:     {ratio:8.2f}")
        html_met = "met" if ratio <= HTML_TARGET else "NOT met"
        pdf_met = "met" if made[0] <= PDF_TARGET else "NOT met"
        print(f"target HTML <= {HTML_TARGET:g}x plain: {html_met}")
        print(f"target PDF <= {PDF_TARGET:g} s:      {pdf_met}")


if __name__ == "__main__":
    main()
