"""Prometheus metrics: requests by route (never by path), latency, queries per request and the
task queue; only for a request bearing METRICS_TOKEN."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from citycert.accounts.tasks import deliver

pytestmark = pytest.mark.django_db
TOKEN = "metrics-token-for-tests"


def scrape() -> str:
    response = Client().get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def value(text: str, line_start: str) -> float:
    for line in text.splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


@override_settings(METRICS_TOKEN=TOKEN)
def test_requests_are_counted_by_route_with_their_queries(standard: None) -> None:
    key = 'citycert_http_requests_total{method="GET",route="standards:detail",status="200"}'
    before = value(scrape(), key)
    Client().get("/standard/2022/")
    Client().get("/standard/2022/")
    text = scrape()
    assert value(text, key) == before + 2
    assert (
        'citycert_http_request_duration_seconds_bucket{le="0.005",route="standards:detail"}' in text
    )
    assert value(text, 'citycert_db_queries_per_request_sum{route="standards:detail"}') > 0
    # A path nobody routes is one label, whatever the path: no label per address.
    Client().get("/no/such/page/1/")
    Client().get("/no/such/page/2/")
    text = scrape()
    assert "/no/such" not in text
    assert 'route="unmatched",status="404"' in text


@override_settings(METRICS_TOKEN=TOKEN)
def test_the_task_queue_depth_and_age() -> None:
    deliver.enqueue(1)
    deliver.enqueue(2)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timezone.timedelta(minutes=5))
    text = scrape()
    assert value(text, 'citycert_task_queue_depth{status="ready"}') == 2
    assert value(text, "citycert_task_queue_oldest_age_seconds") >= 299


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_need_the_token() -> None:
    assert Client().get("/metrics").status_code == 404
    wrong = Client().get("/metrics", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 404


def test_without_a_token_metrics_are_not_served() -> None:
    assert Client().get("/metrics", headers={"authorization": "Bearer "}).status_code == 404
