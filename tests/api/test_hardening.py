"""The API always answers its JSON error body: guessed tokens are throttled per address, an
oversized request is refused, and a database outage is a 503 with Retry-After, never HTML."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

from tests import factories as f
from tests.api.conftest import token_for

pytestmark = pytest.mark.django_db


def get(path: str, token: str, address: str = "10.1.1.1") -> object:
    return Client(REMOTE_ADDR=address).get(
        "/api/v1" + path, headers={"Authorization": f"Bearer {token}"}
    )


def test_guessed_tokens_are_throttled_per_address(settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_RATE_BAD_TOKEN = "5/min"
    real = token_for(f.person())
    for n in range(5):
        assert get("/my/cities", f"cct_guess{n}").status_code == 401
    refused = get("/my/cities", "cct_guess-again")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refused.json()["error"]["code"] == "rate_limited"
    # Past the limit even the right token waits, from that address; not from another.
    assert get("/my/cities", real).status_code == 429
    assert get("/my/cities", real, address="10.1.1.2").status_code == 200


def test_an_oversized_body_gets_the_json_error(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    token = token_for(f.person())
    response = Client().put(
        "/api/v1/my/cities/x/assessment/outcome",
        "{" + '"narrative": "' + "x" * 5000 + '"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (400, 413)
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "too_large"


def test_too_many_form_fields_get_the_json_error(settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    token = token_for(f.person())
    response = Client().post(
        "/api/v1/my/cities/x/assessment/answers/DM1/evidence",
        {f"f{n}": "x" for n in range(50)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (400, 413) and response.json()["error"]["code"] == "too_large"


def test_a_database_outage_is_a_json_503_with_retry_after(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from citycert.public import queries

    def down(*args: object, **kwargs: object) -> object:
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(queries, "listings", down)
    response = Client(raise_request_exception=False).get("/api/v1/cities")
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["error"]["code"] == "unavailable"
