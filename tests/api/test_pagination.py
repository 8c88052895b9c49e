"""A page of an API list is never larger than the configured maximum."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client


def test_a_page_holds_at_most_the_maximum(standard: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    call_command("generate_demo", cities=520, events=520, verbosity=0)
    client = Client()
    data = client.get("/api/v1/cities", {"limit": 500}).json()
    assert data["count"] == 520 and len(data["items"]) == 500
    rest = client.get("/api/v1/cities", {"limit": 500, "offset": 500}).json()
    assert len(rest["items"]) == 20
    refused = client.get("/api/v1/cities", {"limit": 501})
    assert refused.status_code == 422
    assert "limit" in refused.json()["error"]["fields"]


def test_the_review_queue_and_the_directory_read_only_the_page_asked_for(
    standard: None, settings
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from citycert.accounts.models import User
    from tests.api.conftest import token_for

    settings.DEBUG = True
    call_command(
        "generate_demo", cities=40, events=40, assessments=30, decided=0, reviewers=2, verbosity=0
    )
    admin = User.objects.filter(program_roles__role="admin").first()
    headers = {"Authorization": f"Bearer {token_for(admin, 'read')}"}
    client = Client()
    everything = client.get("/api/v1/program/reviews", {"limit": 500}, headers=headers).json()
    with CaptureQueriesContext(connection) as read:
        page = client.get(
            "/api/v1/program/reviews", {"limit": 3, "offset": 2}, headers=headers
        ).json()
    assert page["count"] == everything["count"] > 5
    assert page["items"] == everything["items"][2:5]
    (rows,) = [
        q["sql"]
        for q in read.captured_queries
        if "ORDER BY" in q["sql"] and 'FROM "assessments_assessment"' in q["sql"]
    ]
    assert "LIMIT 3 OFFSET 2" in rows
    with CaptureQueriesContext(connection) as read:
        cities = client.get("/api/v1/cities", {"limit": 4, "offset": 1}).json()
    assert cities["count"] == 40 and len(cities["items"]) == 4
    assert any("LIMIT 4 OFFSET 1" in q["sql"] for q in read.captured_queries)
