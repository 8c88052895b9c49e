"""`citycert worker`: the database task worker, with a heartbeat.

It runs django-tasks-db's worker (same options as `db_worker`) and, beside it, writes this
worker's last sign of life every HEALTH_HEARTBEAT_SECONDS, which `/health/ready` reads: a
stopped worker makes the service not ready instead of letting tasks pile up unseen.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

logger = logging.getLogger(__name__)


def beat(worker_id: str) -> None:
    from citycert.operations.models import Heartbeat

    Heartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname()[:255], "seen_at": timezone.now()},
    )


class Command(WorkerCommand):
    help = "Run the background task worker, with a heartbeat for the readiness check."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        beat(options["worker_id"])  # announced before the first task is taken

        def loop() -> None:
            while not stop.wait(settings.HEALTH_HEARTBEAT_SECONDS):
                try:
                    beat(options["worker_id"])
                except Exception:  # the database may be away for a moment: try again
                    logger.warning("The worker's heartbeat could not be written; trying again")
                finally:
                    close_old_connections()

        thread = threading.Thread(target=loop, name="heartbeat", daemon=True)
        thread.start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            thread.join(timeout=5)
