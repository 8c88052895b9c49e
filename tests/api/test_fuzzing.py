"""Property-based tests of every API operation, generated from its OpenAPI document: whatever
a client sends, the API never answers with a server error, and every answer (success or error)
matches the schema the document declares for it.

Runs in the test suite on SQLite and on PostgreSQL (with DATABASE_URL). Generation is
derandomized, so a run is the same every time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from citycert.accounts.models import ApiToken
from citycert.accounts.services import create_token
from citycert.api.api import api
from citycert.assessments import services as assessments
from tests import factories as f


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """Requests go to the WSGI handler itself, which closes the database connection when each
    one ends; the test's transaction must outlive them (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(keep_connection: None, standard: None) -> dict[str, Any]:
    """A lead of a city with a draft assessment, an admin, and a submitted assessment, each
    with a write token."""
    lead = f.person()
    city = f.city("Fuzzville")
    f.lead(city, lead)
    assessments.start(city, lead)
    _c, _owner, submitted = f.submitted_assessment("Gamma", "US", claimed=2)
    admin = f.person(admin=True, mfa=True)
    return {
        "slug": city.slug,
        "submitted": submitted.pk,
        "lead": create_token(lead, "fuzz", ApiToken.Scope.WRITE).secret,
        "admin": create_token(admin, "fuzz", ApiToken.Scope.WRITE).secret,
    }


# The document as /api/v1/openapi.json serves it; requests go to the Django application itself.
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
)
schema.app = WSGIHandler()


@schema.parametrize()
@hypothesis_settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_it_answers_every_request_as_its_schema_says(
    case: Any, fuzz_world: dict[str, Any], settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["localhost"]  # the host the WSGI test client sends
    cache.clear()  # the rate limit is tested on its own
    params = case.path_parameters or {}
    # Half the time, aim at real objects so that the operations' inner paths run too.
    if "slug" in params and len(str(params["slug"])) % 2 == 0:
        params["slug"] = fuzz_world["slug"]
    if "code" in params and len(str(params["code"])) % 2 == 0:
        params["code"] = "DM1"
    if isinstance(params.get("assessment_id"), int) and params["assessment_id"] % 2 == 0:
        params["assessment_id"] = fuzz_world["submitted"]
    token = fuzz_world["admin" if case.path.startswith("/api/v1/program/") else "lead"]
    # Identity: schemathesis reads the body as sent, and would not undo gzip (tested apart).
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
        checks=[not_a_server_error, response_schema_conformance],
    )
