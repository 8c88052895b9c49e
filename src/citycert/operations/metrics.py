"""Prometheus metrics: requests, their latency and database queries by route, and the task
queue's depth and age (read from the database when scraped, so every process reports the
same queue).

With several server processes (gunicorn workers), set PROMETHEUS_MULTIPROC_DIR to an empty
folder shared by them: each process writes its counters there and `/metrics` sums them.
`/metrics` answers only a request bearing METRICS_TOKEN (or anyone while DEBUG is on); it
holds no personal data, but it describes the service.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "citycert_http_requests", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "citycert_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERIES = Histogram(
    "citycert_db_queries_per_request",
    "Database queries made while answering one HTTP request",
    ["route"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200),
)


def route(request: HttpRequest) -> str:
    """The URL pattern's name (bounded), never the path itself. Responses served before URL
    resolution (the public cache) are named by resolving their path here."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return "unmatched"
    return match.view_name or "unmatched"


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        name = route(request)
        LATENCY.labels(name).observe(time.perf_counter() - started)
        QUERIES.labels(name).observe(count)
        REQUESTS.labels(request.method or "", name, str(response.status_code)).inc()
        return response


class TaskQueueCollector(Collector):
    """The task queue as the database holds it, at the moment of the scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        depth = GaugeMetricFamily(
            "citycert_task_queue_depth", "Background tasks by status", labels=["status"]
        )
        age = GaugeMetricFamily(
            "citycert_task_queue_oldest_age_seconds",
            "Age of the oldest task waiting to run (0 when none waits)",
        )
        waiting_since = None
        for row in DBTaskResult.objects.values("status").annotate(
            n=Count("id"), oldest=Min("enqueued_at")
        ):
            depth.add_metric([row["status"].lower()], row["n"])
            if row["status"] == "READY":
                waiting_since = row["oldest"]
        age.add_metric(
            [], (timezone.now() - waiting_since).total_seconds() if waiting_since else 0.0
        )
        yield depth
        yield age


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
    else:
        combined = CollectorRegistry()
        for collector in list(REGISTRY._collector_to_names):
            combined.register(collector)
    combined.register(TaskQueueCollector())
    return combined


def allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return bool(settings.DEBUG)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def view(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        raise Http404("No metrics here")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
