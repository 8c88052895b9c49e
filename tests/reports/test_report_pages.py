"""The report page: in the reader's language, with standard texts falling back to English marked
as such, and a bounded number of queries however many peers and criteria there are."""

from __future__ import annotations

import datetime as dt

from citycert.assessments import services
from citycert.assessments.models import Assessment
from tests.reports.conftest import assessed_city, decide, signed_in
from tests.reports.test_peers import PEERS


def test_the_report_renders_in_the_reader_s_language(rosario) -> None:  # type: ignore[no-untyped-def]
    c, lead, assessment = rosario
    client = signed_in(lead)
    client.post("/i18n/setlang/", {"language": "es"})
    text = client.get(f"/my/cities/{c.slug}/reports/assessments/{assessment.pk}/").text
    assert '<html lang="es">' in text
    assert "Estándar 2022 (versión 3.0)" in text  # standard texts in Spanish
    assert "Gestión de datos" in text and "Liderazgo y capacidad" in text
    assert "Plata 51%" in text  # the level's name, translated
    assert "En curso" in text  # the assessment's state
    # Every text of the Standard has its Spanish: nothing falls back to English.
    assert '<span lang="en">' not in text and 'class="fallback"' not in text


def test_the_report_page_needs_a_bounded_number_of_queries(
    standard, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    c, lead, previous = assessed_city("Rosario", claimed=30)
    decide(previous, validated=25, cohort="2023-06")
    current = services.start(c, lead)
    for name, claimed in PEERS:
        assessed_city(name, claimed=claimed)
    _, _, decided_peer = assessed_city("Fenicia", claimed=28)
    decide(decided_peer, validated=26, level="silver", cohort="2024-06")
    client = signed_in(lead)
    url = f"/my/cities/{c.slug}/reports/assessments/{current.pk}/"
    client.get(url)  # the engine's spec is built once per load of the Standard
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    assert "Comparable cities: median" in response.text
    with django_assert_max_num_queries(8):
        assert client.get(f"/my/cities/{c.slug}/reports/").status_code == 200


def test_the_list_of_reports_and_the_report_show_the_same_labelled_date(standard) -> None:  # type: ignore[no-untyped-def]
    c, lead, submitted = assessed_city("Paraná", claimed=30)
    # Started on 1 March, submitted on 28 April: both pages say it was submitted on 28 April.
    Assessment.objects.filter(pk=submitted.pk).update(
        created_at=dt.datetime(2023, 3, 1, 12, tzinfo=dt.UTC),
        submitted_at=dt.datetime(2023, 4, 28, 12, tzinfo=dt.UTC),
    )
    decide(Assessment.objects.get(pk=submitted.pk), validated=25, cohort="2023-06")
    draft = services.start(c, lead)
    Assessment.objects.filter(pk=draft.pk).update(
        created_at=dt.datetime(2024, 5, 2, 12, tzinfo=dt.UTC)
    )
    client = signed_in(lead)
    listed = client.get(f"/my/cities/{c.slug}/reports/").text
    first = client.get(f"/my/cities/{c.slug}/reports/assessments/{submitted.pk}/").text
    second = client.get(f"/my/cities/{c.slug}/reports/assessments/{draft.pk}/").text
    for page in (listed, first):
        assert "Submitted on 28 April 2023" in page
        assert "1 March 2023" not in page
    for page in (listed, second):
        assert "Started on 2 May 2024" in page
