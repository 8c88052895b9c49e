"""Logs: JSON lines carrying the request's id, which follows the work into background tasks;
no email address, token or query string in any line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client

from citycert.operations import logs

pytestmark = pytest.mark.django_db


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The project's JSON formatter and redaction on the root logger, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.Formatter())
    handler.addFilter(logs.Redact())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_each_response_carries_a_request_id_and_keeps_a_good_one() -> None:
    first = Client().get("/health/live")["X-Request-ID"]
    second = Client().get("/health/live")["X-Request-ID"]
    assert len(first) >= 16 and first != second
    kept = Client().get("/health/live", headers={"x-request-id": "lb-1234abcd"})
    assert kept["X-Request-ID"] == "lb-1234abcd"
    junk = Client().get("/health/live", headers={"x-request-id": "<script>alert(1)</script>"})
    assert junk["X-Request-ID"] != "<script>alert(1)</script>"


def test_log_lines_are_json_with_the_request_id(captured: io.StringIO) -> None:
    response = Client().get("/no/such/page/", headers={"x-request-id": "req-abcdef12"})
    assert response.status_code == 404
    found = [line for line in lines(captured) if line.get("request_id") == "req-abcdef12"]
    assert found, captured.getvalue()
    assert {"time", "level", "logger", "message"} <= set(found[0])


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its connection
def test_the_request_id_follows_the_work_into_the_task(captured: io.StringIO) -> None:
    """A notification's email is sent by a background task run by the worker; the worker's
    lines about that task carry the id of the request that enqueued it."""
    from citycert.accounts.tasks import deliver

    with logs.bound(request_id="req-task-0001"):
        result = deliver.enqueue(999999)  # no such notification: the task runs and stops
    call_command("worker", "--batch", "--no-reload", verbosity=1)
    task_lines = [line for line in lines(captured) if line.get("task_id") == str(result.id)]
    assert task_lines, captured.getvalue()
    assert all(line["request_id"] == "req-task-0001" for line in task_lines)


@pytest.mark.parametrize(
    ("message", "secret"),
    [
        ("Invitation sent to maria.lopez@rosario.gob.ar", "maria.lopez@rosario.gob.ar"),
        (
            "Not Found: /invitation/k3J9xQ2mZ7pL4vB8nR1tY6wE5uI0oA/",
            "k3J9xQ2mZ7pL4vB8nR1tY6wE5uI0oA",
        ),
        ("GET /snapshot/abc/?key=s1gn3d-v4lu3&email=x", "s1gn3d-v4lu3"),
        ("Token cc_8f3a9b2c7d1e4f5a6b7c8d9e0f1a2b3c used", "cc_8f3a9b2c7d1e4f5a6b7c8d9e0f1a2b3c"),
    ],
)
def test_no_personal_data_or_secret_reaches_a_line(
    captured: io.StringIO, message: str, secret: str
) -> None:
    logging.getLogger("citycert.test").warning(message)
    written = captured.getvalue()
    assert secret not in written and written.strip()
