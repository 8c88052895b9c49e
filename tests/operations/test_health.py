"""Health checks: live answers whatever the database does; ready checks the database, the
migrations, the cache, the storage and a fresh worker heartbeat, and says which failed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from citycert.operations import health
from citycert.operations.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_live_answers_without_asking_anything(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_num_queries(0):
        response = Client().get("/health/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_ready_with_a_fresh_worker() -> None:
    Heartbeat.objects.create(worker_id="w1", hostname="here", seen_at=timezone.now())
    response = Client().get("/health/ready")
    assert response.status_code == 200, response.json()
    checks = response.json()["checks"]
    assert set(checks) == {"database", "migrations", "cache", "storage", "worker"}
    assert all(value.startswith("ok") for value in checks.values())


def test_ready_fails_when_the_worker_is_stale_and_says_so() -> None:
    Heartbeat.objects.create(
        worker_id="w1", hostname="here", seen_at=timezone.now() - dt.timedelta(minutes=10)
    )
    response = Client().get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failed"
    assert body["checks"]["worker"].startswith("failed: ")
    assert body["checks"]["database"] == "ok"


@override_settings(
    TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
)
def test_without_a_database_worker_no_heartbeat_is_needed() -> None:
    assert Client().get("/health/ready").status_code == 200


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_ready_fails_on_a_cache_that_keeps_nothing() -> None:
    Heartbeat.objects.create(worker_id="w1", hostname="here", seen_at=timezone.now())
    response = Client().get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("failed")


@pytest.mark.django_db(transaction=True)
def test_ready_fails_while_a_migration_is_not_applied() -> None:
    Heartbeat.objects.create(worker_id="w1", hostname="here", seen_at=timezone.now())
    health._migrated = False
    call_command("migrate", "operations", "zero", verbosity=0)
    try:
        response = Client().get("/health/ready")
        assert response.status_code == 503
        assert "not applied" in response.json()["checks"]["migrations"]
    finally:
        call_command("migrate", "operations", verbosity=0)
        health._migrated = False


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its connection
def test_the_worker_announces_itself_before_its_first_task() -> None:
    """`citycert worker --batch` runs the queue once and exits; its heartbeat is in the table."""
    call_command("worker", "--batch", "--no-reload", "--worker-id", "probe-worker", verbosity=0)
    seen = Heartbeat.objects.get(worker_id="probe-worker")
    assert timezone.now() - seen.seen_at < dt.timedelta(minutes=1)
