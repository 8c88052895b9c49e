"""What the cluster tests do inside citycert, run against the cluster's database (through
PgBouncer), cache and object store with the cluster's settings: `python -m tests.cluster.actions
NAME [ARGS...]` prints the outcome as JSON. The tests start it with var/cluster/env."""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import time
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citycert.settings")
django.setup()

from django.tasks import TaskResultStatus  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from citycert.accounts.models import ApiToken, User  # noqa: E402
from citycert.assessments import services as assessments  # noqa: E402
from citycert.assessments.models import Evidence  # noqa: E402
from citycert.reports import services as reports  # noqa: E402
from citycert.reports.models import ReportFile  # noqa: E402
from citycert.reports.queries import assessment_subject  # noqa: E402
from citycert.reviews import services as reviews  # noqa: E402
from citycert.reviews.history import publish_cohort  # noqa: E402
from citycert.reviews.models import Cohort  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.reviews.cycles import assessed, reviewed  # noqa: E402

PURGE_TASK = "citycert.public.tasks.purge_cdn"


def until(check: Any, what: str, seconds: float = 60) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise SystemExit(f"gave up waiting for {what}")


def seed() -> dict[str, Any]:
    """A city team with an open assessment and an API token, and a second city decided Silver
    in the next cohort, not yet published."""
    suffix = secrets.token_hex(3)
    city = f.city(f"Nodeville {suffix}", "CL")
    lead = f.person(f"lead-{suffix}@example.org")
    f.lead(city, lead)
    assessment = assessments.start(city, lead)
    code = assessment.answers.order_by("criterion__position").first().criterion.code  # type: ignore[union-attr]
    token = ApiToken(user=lead, name="cluster", scope=ApiToken.Scope.WRITE)
    value = token.issue_token()
    token.save()
    label = reviews.next_cohort_label()
    published = f.city(f"Clusterton {suffix}", "CL")
    published_lead = f.lead(published).user
    reviewed(
        assessed(published, published_lead, "silver"),
        f.person(f"reviewer-{suffix}@example.org", reviewer=True, mfa=True),
        f.person(f"admin-{suffix}@example.org", admin=True, mfa=True),
        level="silver",
        cohort=label,
    )
    return {
        "email": lead.email,
        "password": f.PASSWORD,
        "slug": city.slug,
        "assessment": assessment.pk,
        "code": code,
        "token": value,
        "cohort": label,
        "to_publish": published.name,
    }


def publish(label: str) -> dict[str, Any]:
    """Publish the cohort and wait for both CDN purges it queued to be done by a worker."""
    before = set(DBTaskResult.objects.filter(task_path=PURGE_TASK).values_list("id", flat=True))
    publish_cohort(Cohort.objects.get(label=label))
    queued = list(
        DBTaskResult.objects.filter(task_path=PURGE_TASK)
        .exclude(id__in=before)
        .order_by("enqueued_at")
    )

    def all_done() -> list[DBTaskResult] | None:
        tasks = list(DBTaskResult.objects.filter(pk__in=[task.pk for task in queued]))
        finished = (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)
        return tasks if all(task.status in finished for task in tasks) else None

    until(all_done, "the CDN purges")
    done = {task.pk: task for task in DBTaskResult.objects.filter(pk__in=[t.pk for t in queued])}
    return {
        "purges_queued": len(queued),
        "statuses": [done[task.pk].status for task in queued],
        "purged": [done[task.pk].return_value for task in queued],
        "second_runs_after": (
            (queued[1].run_after - queued[0].enqueued_at).total_seconds()
            if len(queued) > 1 and queued[1].run_after
            else None
        ),
    }


def evidence(*ids: str) -> dict[str, Any]:
    found = Evidence.objects.filter(pk__in=[int(i) for i in ids])
    return {"files": {str(e.pk): e.file.name for e in found}}


def pdf_then_kill(assessment_pk: str, email: str, pid: str) -> dict[str, Any]:
    """Ask for the assessment's report PDF; as soon as a worker runs it, kill that worker's
    process group (the only worker taking tasks)."""
    lead = User.objects.get(email=email)
    subject = assessment_subject(lead.memberships.get().city, int(assessment_pk))
    report = reports.request_pdf(subject, "en", lead)  # type: ignore[arg-type]

    def running() -> bool:
        status = DBTaskResult.objects.values_list("status", flat=True).get(pk=report.task_id)
        return status == TaskResultStatus.RUNNING

    until(running, "the PDF task to start")
    os.killpg(int(pid), signal.SIGKILL)
    time.sleep(0.5)  # the database sees the worker's connection end
    task = DBTaskResult.objects.get(pk=report.task_id)
    report.refresh_from_db()
    return {"report": report.pk, "task_status": task.status, "report_status": report.status}


def recover_and_retry(report_pk: str, email: str) -> dict[str, Any]:
    """What the operator (recover_work) and the city (the report page's retry) do."""
    from citycert import work

    recovered = work.recover()
    report = ReportFile.objects.get(pk=int(report_pk))
    failed_task = DBTaskResult.objects.get(pk=report.task_id)
    after_recover = {"report": report.status, "task": failed_task.status}
    report = reports.retry(report, User.objects.get(email=email))

    def finished() -> ReportFile | None:
        current = ReportFile.objects.get(pk=report.pk)
        return current if current.status in ("ready", "failed") else None

    done = until(finished, "the PDF made again", seconds=120)
    task = DBTaskResult.objects.get(pk=done.task_id)
    return {
        "recovered_tasks": recovered.tasks,
        "recovered_reports": recovered.reports,
        "after_recover": after_recover,
        "status": done.status,
        "worker_ids": task.worker_ids,
        "pdf_head": done.file.open("rb").read(5).decode() if done.file else "",
    }


ACTIONS = {
    "seed": seed,
    "publish": publish,
    "evidence": evidence,
    "pdf_then_kill": pdf_then_kill,
    "recover_and_retry": recover_and_retry,
}

if __name__ == "__main__":
    name, *args = sys.argv[1:]
    print(json.dumps(ACTIONS[name](*args), default=str))
