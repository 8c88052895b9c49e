"""Writes for reports: asking for a PDF, and asking again after a failure.

The PDF is made by a background task (tasks.make_pdf, run by the database worker); the row and
the queued task are written in one transaction, so the worker never sees one without the other.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from citycert import work
from citycert.accounts.models import User

from .models import ReportFile
from .queries import Subject


class ReportError(Exception):
    """A request the rules do not allow; the message says why, in plain words."""


def _subject_filter(subject: Subject) -> Q:
    if subject.assessment is not None:
        return Q(assessment=subject.assessment)
    return Q(snapshot=subject.snapshot)


def latest_file(subject: Subject, language: str) -> ReportFile | None:
    """The newest PDF of `subject` in `language`, whatever its status."""
    return (
        ReportFile.objects.filter(_subject_filter(subject), city=subject.city, language=language)
        .order_by("-requested_at", "-pk")
        .first()
    )


def is_stale(report_file: ReportFile, now: dt.datetime | None = None) -> bool:
    """Being made for longer than any PDF takes: the worker that took it has stopped."""
    now = now or timezone.now()
    return (
        report_file.status == ReportFile.Status.RUNNING
        and report_file.started_at is not None
        and report_file.started_at < now - work.stale_after()
    )


def settled(report_file: ReportFile | None) -> ReportFile | None:
    """The PDF as the page should show it: a stuck one is marked failed (so that the page
    offers to make it again) and its task with it."""
    if report_file is not None and is_stale(report_file):
        work.recover()
        report_file.refresh_from_db()
    return report_file


def _enqueue(report_file: ReportFile) -> None:
    from .tasks import make_pdf

    result = make_pdf.enqueue(report_file.pk)
    report_file.task_id = str(result.id)
    report_file.save(update_fields=["task_id"])


@transaction.atomic
def request_pdf(subject: Subject, language: str, by: User) -> ReportFile:
    """Queue a PDF of `subject` in `language`; one already on its way is returned instead."""
    pending = (
        ReportFile.objects.select_for_update()
        .filter(
            _subject_filter(subject),
            city=subject.city,
            language=language,
            status__in=[ReportFile.Status.QUEUED, ReportFile.Status.RUNNING],
        )
        .first()
    )
    if pending is not None and not is_stale(pending):
        return pending
    report_file = ReportFile.objects.create(
        city=subject.city,
        assessment=subject.assessment,
        snapshot=subject.snapshot,
        language=language,
        requested_by=by,
    )
    _enqueue(report_file)
    return report_file


@transaction.atomic
def retry(report_file: ReportFile, by: User) -> ReportFile:
    """Queue a failed (or stalled) PDF again."""
    current = ReportFile.objects.select_for_update().get(pk=report_file.pk)
    if current.status != ReportFile.Status.FAILED and not is_stale(current):
        raise ReportError(_("Only a PDF that could not be made can be tried again."))
    current.status = ReportFile.Status.QUEUED
    current.error = ""
    current.started_at = current.finished_at = None
    current.requested_by = by
    current.save(update_fields=["status", "error", "started_at", "finished_at", "requested_by"])
    _enqueue(current)
    return current
