"""Downloads of evidence, appeal files, report PDFs and spreadsheets are recorded in the audit
trail: who, from where, what, for which city; through the pages and through the API."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from citycert.accounts.models import ApiToken
from citycert.accounts.services import create_token
from tests.accounts.test_authorization_matrix import World, world  # noqa: F401  (a fixture)

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def reads() -> list[tuple[str, str, str | None, int]]:
    return [
        (e.additional_data["read"], e.actor.email, e.remote_addr, e.additional_data["city_id"])
        for e in LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("pk")
    ]


def test_every_download_is_recorded_with_who_and_from_where(world: World) -> None:  # noqa: F811
    lead = world.users["lead_a"]
    client = Client(REMOTE_ADDR="198.51.100.4")
    client.force_login(lead, backend=BACKEND)
    a = world.a.slug
    for url in (
        reverse("assessments:download_evidence", args=[a, world.ids["evidence"]]),
        reverse("assessments:export", args=[a]),
        reverse("reports:pdf_download", args=[a, world.ids["report_file"]]),
        reverse("reviews:appeal_file", args=[a, world.ids["appeal"], world.ids["appeal_file"]]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[arg-type]
    assert reads() == [
        ("evidence", lead.email, "198.51.100.4", world.a.pk),
        ("spreadsheet", lead.email, "198.51.100.4", world.a.pk),
        ("report_pdf", lead.email, "198.51.100.4", world.a.pk),
        ("appeal_file", lead.email, "198.51.100.4", world.a.pk),
    ]

    # Through the API, with a token: the token's owner.
    secret = create_token(lead, "script", ApiToken.Scope.READ).secret
    api = Client(REMOTE_ADDR="198.51.100.5", headers={"Authorization": f"Bearer {secret}"})
    response = api.get(
        f"/api/v1/my/cities/{a}/assessment/answers/DM1/evidence/{world.ids['evidence']}"
    )
    assert response.status_code == 200
    assert reads()[-1] == ("evidence", lead.email, "198.51.100.5", world.a.pk)

    # A refused download records nothing.
    before = len(reads())
    stranger = Client()
    stranger.force_login(world.users["lead_b"], backend=BACKEND)
    url = reverse("assessments:download_evidence", args=[a, world.ids["evidence"]])
    assert stranger.get(url).status_code == 404
    assert len(reads()) == before


def test_the_audit_page_shows_downloads_and_filters_them(world: World) -> None:  # noqa: F811
    lead = Client()
    lead.force_login(world.users["lead_a"], backend=BACKEND)
    lead.get(reverse("assessments:export", args=[world.a.slug]))
    admin = Client()
    admin.force_login(world.users["admin"], backend=BACKEND)
    page = admin.get("/program/audit/", {"city": world.a.slug, "kind": "reads"}).text
    assert "Assessment spreadsheet exported" in page and "Lead A" in page
    assert "Evidence file" not in page  # only the reads, and only this one
    changes = admin.get("/program/audit/", {"city": world.a.slug, "kind": "changes"}).text
    assert "Assessment spreadsheet exported" not in changes and "create" in changes
