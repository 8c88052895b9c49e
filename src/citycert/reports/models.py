"""A report made into a PDF in the background: what was asked for, by whom, how far it got.

The report itself is never stored: it is built from the assessment or snapshot each time it is
read. Only the PDF file is kept, in Django's storage (outside the web root), and sent as an
attachment to the people the policy allows.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def report_path(instance: ReportFile, filename: str) -> str:
    # A random stored name: nothing about the city is in the file's path.
    return f"reports/{instance.city_id}/{uuid.uuid4().hex}.pdf"


class ReportFile(models.Model):
    """One PDF of one report (of an assessment or of a snapshot), in one language."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    city = models.ForeignKey("cities.City", models.CASCADE, related_name="report_files")
    assessment = models.ForeignKey(
        "assessments.Assessment", models.CASCADE, null=True, blank=True, related_name="+"
    )
    snapshot = models.ForeignKey(
        "assessments.Snapshot", models.CASCADE, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to=report_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(assessment__isnull=False, snapshot__isnull=True)
                | models.Q(assessment__isnull=True, snapshot__isnull=False),
                name="report_file_of_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"report PDF {self.pk} ({self.status})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.city_id}

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
