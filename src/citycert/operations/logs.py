"""Logs as JSON lines, each carrying the id of the request (or the task) it belongs to.

A request gets an id at the door (`RequestIdMiddleware`): the one the load balancer sent in
`X-Request-ID` if it looks like one, else a new one; the response says it back. A background
task enqueued during the request records that id (`TaskOrigin`), and the worker binds it while
the task runs, so one id follows the work from the page to the task's last line.

Nothing personal or secret reaches the log: `Redact` masks email addresses, long random
tokens (invitation and API tokens, session keys, signed links) and query strings in every
message before it is written.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter

# Never mutated: each binding sets a new mapping (a frozen empty one by default).
_EMPTY: dict[str, str] = {}
_context: contextvars.ContextVar[dict[str, str]] = contextvars.ContextVar("citycert_log_context")
GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


def current() -> dict[str, str]:
    return _context.get(_EMPTY)


def current_request_id() -> str:
    return _context.get(_EMPTY).get("request_id", "")


@contextmanager
def bound(**fields: str) -> Iterator[None]:
    """Fields every log line written inside the block carries."""
    token = _context.set({**_context.get(_EMPTY), **{k: v for k, v in fields.items() if v}})
    try:
        yield
    finally:
        _context.reset(token)


def new_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives each request an id (kept from a trusted proxy's header when well formed)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if GOOD_ID.match(given) else new_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        with bound(request_id=request_id):
            response = self.get_response(request)
        response[HEADER] = request_id
        return response


# Masks, in order: email addresses; query strings of logged URLs; long random-looking words.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_:-]*\d)[A-Za-z0-9_:-]{24,}(?![A-Za-z0-9_-])")


def redact(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _QUERY.sub(r"\1?[query]", text)
    return _TOKEN.sub("[token]", text)


class Redact(logging.Filter):
    """Masks personal data and secrets in a record's message, and adds the bound ids."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep what we have
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        for key, value in _context.get(_EMPTY).items():
            setattr(record, key, value)
        # Django's request logger writes after the middleware has finished, with the request
        # attached: take its id from there, and never serialise the request itself.
        request = getattr(record, "request", None)
        if request is not None:
            if not getattr(record, "request_id", None):
                record.request_id = getattr(request, "request_id", "")
            record.request = None
        return True


class Formatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message and the bound ids."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        kwargs.setdefault("timestamp", False)
        super().__init__(*args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for key in ("request_id", "task_id", "task"):
            value = getattr(record, key, None)
            if value:
                log_data[key] = value
        log_data.pop("request", None)
        if record.exc_info and "exc_info" in log_data:
            log_data["exc_info"] = redact(str(log_data["exc_info"]))


# Background tasks: the request that enqueued one is remembered, and bound while it runs.
_running: dict[str, contextvars.Token[dict[str, str]]] = {}


def remember_request(sender: Any, task_result: Any, **kwargs: Any) -> None:
    request_id = current_request_id()
    if not request_id:
        return
    from .models import TaskOrigin

    TaskOrigin.objects.update_or_create(
        task_id=str(task_result.id), defaults={"request_id": request_id}
    )


def task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    from .models import TaskOrigin

    task_id = str(task_result.id)
    request_id = (
        TaskOrigin.objects.filter(task_id=task_id).values_list("request_id", flat=True).first()
    )
    fields = {"task_id": task_id, "task": task_result.task.name}
    fields["request_id"] = request_id or current_request_id()
    kept = {key: value for key, value in fields.items() if value}
    _running[task_id] = _context.set({**_context.get(_EMPTY), **kept})


def task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    from .models import TaskOrigin

    TaskOrigin.objects.filter(task_id=str(task_result.id)).delete()
    token = _running.pop(str(task_result.id), None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:  # finished in another context than it started: just clear
            _context.set({})
