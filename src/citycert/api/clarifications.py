"""Clarifications as the API shows them, to the city's team and to the certification team
alike: what the certification team asked about which criteria, by when, and the city's reply."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import Prefetch, QuerySet
from ninja import Field, Schema

from citycert.assessments.models import Assessment
from citycert.reviews.models import Clarification
from citycert.standards.models import Criterion

from .schemas import Input


class ClarificationOut(Schema):
    id: int
    criteria: list[str] = Field(..., description="The codes of the criteria it is about.")
    message: str
    due_on: dt.date
    requested_at: dt.datetime
    open: bool = Field(..., description="Whether the city still has to answer it.")
    answered_at: dt.datetime | None
    reply: str


class ClarificationIn(Input):
    criteria: list[Annotated[str, Field(max_length=16)]] = Field(
        ..., min_length=1, max_length=60, description="Codes of the criteria to ask about."
    )
    message: str = Field(..., min_length=1, max_length=5000, description="What is unclear.")
    due_on: dt.date = Field(..., description="The date the city should answer by.")


class ClarificationReplyIn(Input):
    reply: str = Field(
        "",
        max_length=5000,
        description="What the city changed or wants to say; the changed answers speak too.",
    )


def of(assessment: Assessment) -> QuerySet[Clarification]:
    """The assessment's clarifications, newest first, with their criteria in one query."""
    return assessment.clarifications.prefetch_related(
        Prefetch("criteria", Criterion.objects.order_by("position"))
    )


def out(clarification: Clarification) -> dict[str, Any]:
    return {
        "id": clarification.pk,
        "criteria": [c.code for c in clarification.criteria.all()],
        "message": clarification.message,
        "due_on": clarification.due_on,
        "requested_at": clarification.requested_at,
        "open": clarification.is_open,
        "answered_at": clarification.answered_at,
        "reply": clarification.reply,
    }
