"""Background work stopped halfway (a killed worker) recovers: the stuck task is marked failed,
its PDF can be made again, and an email it never sent is queued again and sent once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from citycert import work
from citycert.accounts.models import Notification
from citycert.accounts.notifications import notify
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_a_task_left_running_is_marked_failed_and_its_email_sent_once() -> None:
    person = f.person()
    notify("reviewer_assigned", [person], {"city": f.city(), "assessment": None})
    task = DBTaskResult.objects.get()
    long_ago = timezone.now() - work.stale_after() - dt.timedelta(minutes=1)
    # As a killed worker leaves it: taken, never finished; the email not sent.
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago
    )
    Notification.objects.update(created_at=long_ago)

    listed = io.StringIO()
    call_command("recover_work", "--list", stdout=listed)
    assert "STUCK" in listed.getvalue()

    out = io.StringIO()
    call_command("recover_work", stdout=out)
    assert (
        "1 stuck tasks marked failed" in out.getvalue()
        and "1 emails queued again" in out.getvalue()
    )
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED and task.exception_class_path == work.STOPPED
    run_worker()
    run_worker()
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert Notification.objects.get().sent_at is not None
    # Nothing is stuck any more, and running it again changes nothing.
    assert work.recover() == work.Recovered(0, 0, 0)


def test_work_that_is_only_slow_is_left_alone() -> None:
    person = f.person()
    notify("reviewer_assigned", [person], {"city": f.city(), "assessment": None})
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    assert work.recover() == work.Recovered(0, 0, 0)
