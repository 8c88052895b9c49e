"""Health checks for load balancers and orchestrators.

`/health/live`: the process answers (no database, no cache: a live process behind a broken
database must not be restarted for it). `/health/ready`: this process can serve real work
now: the database answers, every migration is applied, the cache stores and returns a value,
the file storage answers, and a task worker has shown a sign of life recently (when tasks go
to the database worker). Each check says ok or what failed, in JSON; never a secret.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
_migrated = False  # once every migration is seen applied, a process need not look again


def database() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def migrations() -> str:
    global _migrated
    if not _migrated:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise RuntimeError(f"{len(plan)} migration(s) not applied")
        _migrated = True
    return "ok"


def cache_check() -> str:
    key = "health:probe"
    value = str(time.monotonic_ns())
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    return "ok"


def storage() -> str:
    default_storage.exists("health-probe")  # a HEAD on object storage, a stat on a disk
    return "ok"


def worker() -> str:
    backend = settings.TASKS["default"]["BACKEND"]
    if not backend.startswith("django_tasks_db"):
        return "ok (tasks run without a worker)"
    from .models import Heartbeat

    fresh = timezone.now() - dt.timedelta(seconds=settings.HEALTH_WORKER_STALE_SECONDS)
    seen = Heartbeat.objects.filter(seen_at__gte=fresh).count()
    if not seen:
        raise RuntimeError(
            f"no task worker seen in the last {settings.HEALTH_WORKER_STALE_SECONDS} s"
        )
    return f"ok ({seen} worker(s))"


CHECKS: dict[str, Callable[[], str]] = {
    "database": database,
    "migrations": migrations,
    "cache": cache_check,
    "storage": storage,
    "worker": worker,
}


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # report any failure as a failed check, never a 500
            healthy = False
            results[name] = f"failed: {type(error).__name__}: {error}"[:300]
            logger.warning("Readiness check %s failed: %s", name, type(error).__name__)
    return JsonResponse(
        {"status": "ok" if healthy else "failed", "checks": results},
        status=200 if healthy else 503,
    )
