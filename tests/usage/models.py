from django.db import models


class CriterionUse(models.Model):
    """A record outside the standards app that uses a criterion (as an answer will)."""

    criterion = models.ForeignKey("standards.Criterion", models.PROTECT)

    class Meta:
        app_label = "usage"

    def __str__(self) -> str:
        return f"use of {self.criterion_id}"
