"""The data snapshot before an account, kept for a city after; and the spreadsheet round trip."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from citycert.assessments import services, snapshot
from citycert.assessments.models import Answer, NetworkMembership, Snapshot
from tests import factories as f

pytestmark = pytest.mark.usefixtures("standard")
BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def answers(value: int) -> dict[str, int]:
    return {q.key: value for q in snapshot.questionnaire().questions}


def test_the_questionnaire_covers_every_practice_area_in_10_to_15_questions() -> None:
    q = snapshot.questionnaire()
    assert 10 <= len(q.questions) <= 15
    assert {question.area for question in q.questions} == {
        "DM",
        "LC",
        "OD",
        "PA",
        "BF",
        "RDC",
        "CI",
        "EVAL",
    }


def test_the_result_estimates_a_band_and_three_first_steps() -> None:
    q = snapshot.questionnaire()
    low = snapshot.evaluate(
        q, {**answers(3), "inventory": 0, "budget": 1, "evaluation": 0, "training": 2}
    )
    assert [s.question.key for s in low.first_steps] == ["inventory", "evaluation", "budget"]
    assert low.first_steps[0].criteria == ("DM2",)
    assert snapshot.evaluate(q, answers(0)).band is None
    assert snapshot.evaluate(q, answers(2)).band == "silver"  # 67%
    assert snapshot.evaluate(q, answers(3)).band == "platinum"
    assert snapshot.evaluate(q, answers(3)).first_steps == ()


def test_anyone_takes_the_snapshot_then_keeps_it_for_their_city(client: Client) -> None:
    form = client.get("/snapshot/").text
    assert form.count("<fieldset") == 12
    response = client.post(
        "/snapshot/", {"city_name": "Rosario", "join_network": "on", **answers(1), "inventory": 0}
    )
    taken = Snapshot.objects.get()
    assert response["Location"] == f"/snapshot/{taken.pk}/"
    result = client.get(response["Location"]).text
    assert "Three first steps" in result
    assert 'href="/standard/2022/#DM2"' in result
    assert "Create an account" in result
    assert (
        Client().get(f"/snapshot/{taken.pk}/").status_code == 404
    )  # another browser cannot see it

    c = f.city("Rosario", "AR")
    lead = f.lead(c)
    client.force_login(lead.user, backend=BACKEND)
    response = client.post(f"/snapshot/{taken.pk}/", {"city": c.slug})
    assert response["Location"] == f"/my/cities/{c.slug}/assessment/"
    taken.refresh_from_db()
    assert (taken.city, taken.person) == (c, lead.user)
    assert NetworkMembership.objects.get(user=lead.user).consent_to_contact is True

    client.post("/my/network/", {"consent": "no"})
    assert NetworkMembership.objects.get(user=lead.user).consent_to_contact is False


def test_an_incomplete_snapshot_names_what_is_missing(client: Client) -> None:
    partial = answers(1)
    del partial["budget"]
    response = client.post("/snapshot/", {"city_name": "Rosario", **partial})
    assert response.status_code == 200
    assert "Some answers are missing" in response.text
    assert "Choose one answer for this question." in response.text
    assert not Snapshot.objects.exists()


def test_the_spreadsheet_round_trip_and_a_bad_file_changes_nothing(client: Client) -> None:
    c = f.city("Fortaleza", "BR")
    lead = f.lead(c)
    assessment = services.start(c, lead.user)
    client.force_login(lead.user, backend=BACKEND)
    exported = client.get(f"/my/cities/{c.slug}/assessment/export.xlsx")
    assert exported["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(exported.content))
    sheet = book["Assessment"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "DM1")
    row[header.index("Item a")].value = "x"
    row[header.index("Narrative")].value = "Our data strategy, adopted in 2024."
    buffer = io.BytesIO()
    book.save(buffer)

    upload = io.BytesIO(buffer.getvalue())
    upload.name = "filled.xlsx"
    response = client.post(f"/my/cities/{c.slug}/assessment/import/", {"file": upload})
    assert response.status_code == 302
    dm1 = assessment.answers.get(criterion__code="DM1")
    assert (dm1.status, dm1.items, dm1.narrative) == (
        "claimed",
        ["a"],
        "Our data strategy, adopted in 2024.",
    )

    row[header.index("Item b")].value = "maybe"
    other = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "DM2")
    other[header.index("Narrative")].value = "Changed, but must not be saved."
    bad = io.BytesIO()
    book.save(bad)
    bad.seek(0)
    bad.name = "bad.xlsx"
    response = client.post(f"/my/cities/{c.slug}/assessment/import/", {"file": bad})
    assert response.status_code == 400
    assert "Nothing was imported" in response.text and "maybe" in response.text
    assert assessment.answers.get(criterion__code="DM2").narrative == ""

    junk = io.BytesIO(b"not a spreadsheet")
    junk.name = "notes.xlsx"
    response = client.post(f"/my/cities/{c.slug}/assessment/import/", {"file": junk})
    assert response.status_code == 400
    assert Answer.objects.filter(assessment=assessment).exclude(narrative="").count() == 1


def test_the_import_says_how_many_answers_changed(client: Client) -> None:
    c = f.city("Natal", "BR")
    lead = f.lead(c)
    assessment = services.start(c, lead.user)
    client.force_login(lead.user, backend=BACKEND)

    def imported(change: dict[str, str]) -> str:
        exported = client.get(f"/my/cities/{c.slug}/assessment/export.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(exported.content))
        sheet = book["Assessment"]
        header = [cell.value for cell in sheet[1]]
        for code, narrative in change.items():
            row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == code)
            row[header.index("Narrative")].value = narrative
        upload = io.BytesIO()
        book.save(upload)
        upload.seek(0)
        upload.name = "filled.xlsx"
        response = client.post(
            f"/my/cities/{c.slug}/assessment/import/", {"file": upload}, follow=True
        )
        return response.text

    page = imported({"DM1": "A strategy.", "DM2": "An inventory."})
    assert "The spreadsheet was imported: 2 answers changed." in page
    # Exported again with those answers in it: one more change is one answer changed, although
    # every row with an answer is read.
    page = imported({"DM3": "Sharing agreements."})
    assert "The spreadsheet was imported: 1 answer changed." in page
    assert assessment.answers.get(criterion__code="DM1").version == 2
    assert "The spreadsheet was imported: no answer changed." in imported({})
