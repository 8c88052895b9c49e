"""A CDN in front keeps public responses (Surrogate-Key, Surrogate-Control) and is told to drop
them when public data changes: by background tasks, at once and again after a delay."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from citycert.public import cdn, services
from citycert.public.tasks import purge_cdn
from citycert.reviews.history import publish_cohort
from tests import factories as f
from tests.public.conftest import World

PURGE = "citycert.public.tasks.purge_cdn"


class FakeCdn(BaseHTTPRequestHandler):
    """A real HTTP server that answers PURGE as Varnish does and records what it was asked."""

    seen: list[tuple[str, str | None]] = []

    def do_PURGE(self) -> None:
        FakeCdn.seen.append((self.path, self.headers.get("xkey-purge")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def cdn_server() -> Iterator[str]:
    FakeCdn.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCdn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_public_pages_tell_a_cdn_to_keep_them_under_the_public_key(
    world: World, client: Client, settings: object
) -> None:
    page = client.get("/cities/")
    assert page["Surrogate-Key"] == "citycert-public"
    assert page["Surrogate-Control"] == "max-age=600"
    again = client.get("/cities/")  # served from the app's own cache: the same headers
    assert again["Surrogate-Key"] == "citycert-public"


def test_personal_pages_carry_no_surrogate_headers(world: World) -> None:
    member = Client()
    member.force_login(f.person(), backend="allauth.account.auth_backends.AuthenticationBackend")
    page = member.get("/cities/")
    assert "private" in page["Cache-Control"]
    assert not page.has_header("Surrogate-Key")
    assert not page.has_header("Surrogate-Control")


def test_a_purge_asks_the_cdn_to_drop_the_key(cdn_server: str, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CDN_PURGE_URL = cdn_server
    assert cdn.purge("citycert-public") is True
    assert FakeCdn.seen == [("/", "citycert-public")]


def test_a_cdn_that_does_not_answer_is_logged_not_raised(
    settings, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    settings.CDN_PURGE_URL = f"http://127.0.0.1:{closed_port()}/"
    with caplog.at_level(logging.WARNING, logger="citycert.public.cdn"):
        assert purge_cdn.call("citycert-public") is False
    assert "CDN purge of citycert-public" in caplog.text


def test_publishing_queues_a_purge_now_and_one_later(
    world: World, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.CDN_PURGE_URL = "http://127.0.0.1:9/"
    settings.CDN_PURGE_DELAY = 7
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        publish_cohort(world.pending.cohort)
    queued = list(DBTaskResult.objects.filter(task_path=PURGE).order_by("enqueued_at"))
    assert [t.args_kwargs["args"] for t in queued] == [["citycert-public"], ["citycert-public"]]
    assert queued[0].run_after > before + dt.timedelta(days=365)  # none: at once
    assert queued[1].run_after >= before + dt.timedelta(seconds=7)


def test_nothing_is_queued_without_a_cdn(db: None, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.bump_revision()
    assert not DBTaskResult.objects.filter(task_path=PURGE).exists()
