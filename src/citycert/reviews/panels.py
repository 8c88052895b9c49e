"""What the certification team's work shows on the city's assessment overview (see
`citycert.assessments.panels`): its open questions, and the latest decision with any appeal."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from citycert.accounts.policy import Action
from citycert.assessments.models import Assessment
from citycert.assessments.panels import Panel

from . import appeals
from .models import Appeal, Clarification, Decision


def clarifications(request: HttpRequest, access: Any, city: Any, assessment: Any) -> Panel | None:
    """The certification team's open questions, with the lead's reply form."""
    if assessment is None or assessment.state != Assessment.State.CLARIFICATION:
        return None
    asked = list(
        Clarification.objects.filter(assessment=assessment, answered_at__isnull=True)
        .prefetch_related("criteria")
        .order_by("due_on", "pk")
    )
    if not asked:
        return None
    return Panel(
        "reviews/_clarifications_panel.html",
        {
            "clarifications": asked,
            "can_reply": access.can(Action.MANAGE_ASSESSMENT),
            "today": timezone.localdate(),
        },
        order=10,
    )


def decision(request: HttpRequest, access: Any, city: Any, assessment: Any) -> Panel | None:
    """The latest decision on the city, its announcement and any appeal, to those who may read
    that assessment."""
    latest = (
        Decision.objects.filter(assessment__city=city)
        .select_related("assessment", "cohort", "certification")
        .order_by("-decided_at")
        .first()
    )
    if latest is None or not access.can(Action.VIEW_APPEAL, latest.assessment):
        return None
    appeal = Appeal.objects.filter(decision=latest).first()
    return Panel(
        "reviews/_decision_panel.html",
        {
            "decision": latest,
            "appeal": appeal,
            "can_appeal": appeal is None
            and access.can(Action.APPEAL)
            and appeals.appealable(latest.assessment) is not None,
        },
        order=20,
    )
