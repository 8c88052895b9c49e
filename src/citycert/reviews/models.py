"""The certification team's side. For now: which reviewers are assigned to which city."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Assignment(models.Model):
    """A reviewer assigned to a city by a program admin; it lets them see that city's work."""

    city = models.ForeignKey("cities.City", models.CASCADE, related_name="reviewer_assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "reviewer"], name="one_assignment_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} reviews {self.city}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"city_id": self.city_id}
