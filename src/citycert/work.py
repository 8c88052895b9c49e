"""Background work that stopped halfway recovers by itself.

A task the worker took and never finished (the worker was killed, the machine restarted) stays
"running" in django-tasks-db for ever. `recover()` finds tasks running for longer than
TASK_STALE_MINUTES, marks them failed (with a traceback saying why), and lets the work they were
doing recover:
- a report PDF that was being made is marked failed, and its page offers to make it again;
- an email that was not sent is queued again (sending it twice is impossible: `send_now` sends
  a notification once).

`citycert recover_work` runs it (every few minutes from cron, and from `citycert daily`), and
lists what is queued, running and stuck with `--list`. A report page also marks its own stuck
PDF failed when it is read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

STOPPED = "citycert.work.WorkerStoppedError"


class WorkerStoppedError(Exception):
    """The worker running a task stopped before the task finished."""


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.TASK_STALE_MINUTES)


@dataclass(frozen=True)
class Recovered:
    tasks: int  # task results marked failed
    reports: int  # report PDFs marked failed
    notifications: int  # emails queued again


@transaction.atomic
def recover(now: dt.datetime | None = None) -> Recovered:
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from citycert.accounts.models import Notification
    from citycert.accounts.notifications import requeue
    from citycert.reports.models import ReportFile

    now = now or timezone.now()
    cutoff = now - stale_after()
    stuck = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
    stuck_ids = [str(pk) for pk in stuck.values_list("id", flat=True)]
    tasks = stuck.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=STOPPED,
        traceback=(
            f"The worker stopped while running this task; it was marked failed after "
            f"{settings.TASK_STALE_MINUTES} minutes by citycert.work.recover."
        ),
    )
    reports = ReportFile.objects.filter(
        status__in=[ReportFile.Status.QUEUED, ReportFile.Status.RUNNING]
    ).filter(task_id__in=stuck_ids) | ReportFile.objects.filter(
        status=ReportFile.Status.RUNNING, started_at__lt=cutoff
    )
    report_count = reports.update(status=ReportFile.Status.FAILED, error="stopped", finished_at=now)
    # Emails whose task never ran to the end: queued again, sent once.
    waiting = list(
        Notification.objects.filter(sent_at__isnull=True, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:1000]
    )
    queued = {
        arguments["args"][0]
        for arguments in DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            task_path="citycert.accounts.tasks.deliver",
        ).values_list("args_kwargs", flat=True)
        if arguments.get("args")
    }
    again = [pk for pk in waiting if pk not in queued]
    transaction.on_commit(lambda: requeue(again))
    return Recovered(tasks, report_count, len(again))


@dataclass(frozen=True)
class Line:
    task: str
    status: str
    age: dt.timedelta
    stuck: bool


def overview(now: dt.datetime | None = None) -> list[Line]:
    """What is queued or running, oldest first, and whether it is stuck."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    lines = []
    for path, status, enqueued, started in (
        DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        .order_by("enqueued_at")
        .values_list("task_path", "status", "enqueued_at", "started_at")
    ):
        since = started or enqueued
        lines.append(
            Line(
                path,
                status,
                now - since,
                status == TaskResultStatus.RUNNING and now - since > stale_after(),
            )
        )
    return lines
