"""What the operations app keeps: each worker's last sign of life, and which request asked for
each background task (so the task's log lines carry that request's id)."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """A task worker's last sign of life, written every few seconds by `citycert worker`."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.hostname}"


class TaskOrigin(models.Model):
    """The request that enqueued a background task (kept for the task's logs, then pruned)."""

    task_id = models.CharField(max_length=64, unique=True)
    request_id = models.CharField(max_length=64)
    enqueued_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.task_id} <- {self.request_id}"
