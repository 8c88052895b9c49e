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
