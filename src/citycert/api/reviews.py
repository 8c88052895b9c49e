"""The certification team through the API: the review queue, reviewers' declarations and
validations, decisions, and cohorts waiting to be published."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from citycert.accounts import policy
from citycert.accounts.models import ProgramRole, User
from citycert.accounts.policy import Action
from citycert.assessments.models import Assessment
from citycert.reviews import queries, services
from citycert.reviews.history import publish_cohort
from citycert.reviews.models import (
    Assignment,
    Certification,
    Cohort,
    Interaction,
    Validation,
)
from citycert.standards.models import Criterion
from citycert.web import authorized

from . import clarifications
from .auth import token_auth
from .errors import AUTHENTICATED, ApiError, errors
from .paging import Shaped
from .ratelimit import RateLimit
from .schemas import COHORT_LABEL, Input, code_path, cohort_path, id_path, slug_path

router = Router(tags=["Certification team"], auth=token_auth, throttle=RateLimit())

Verdict = Literal["validated", "not_validated", "clarify"]
LevelName = Literal["silver", "gold", "platinum"]


class ReviewerOut(Schema):
    email: str
    conflict: bool | None


class QueueItemOut(Schema):
    id: int
    city: str
    city_name: str
    country: str
    standard: str
    state: str
    submitted_at: dt.datetime | None
    reviewers: list[ReviewerOut]
    open_clarifications: int


class QueueFilters(Schema):
    state: Literal["submitted", "in_review", "clarification", "decided", "appealed"] | None = None
    standard: str | None = Field(None, max_length=16)
    country: str | None = Field(None, min_length=2, max_length=2)
    older_than: int | None = Field(None, ge=0, le=36500, description="Days since submission.")


class VerdictOut(Schema):
    reviewer: str
    verdict: str
    comment: str


class StandingOut(Schema):
    criterion: str
    items: list[str]
    verdicts: list[VerdictOut]
    settled: VerdictOut | None
    final: str | None
    disagreement: bool


class ReviewOut(Schema):
    id: int
    city: str
    standard: str
    state: str
    computed_level: str | None
    validated_points: int
    standings: list[StandingOut]


class AssignIn(Input):
    reviewer: str = Field(..., max_length=254, description="The reviewer's email address.")


class DeclarationIn(Input):
    conflict: bool
    note: str = Field("", max_length=2000)


class VerdictIn(Input):
    criterion: str = Field(..., max_length=16)
    verdict: Verdict
    comment: str = Field("", max_length=3000)


class ValidationsIn(Input):
    verdicts: list[VerdictIn] = Field(..., min_length=1, max_length=200)


class SavedOut(Schema):
    saved: int


class SettlementIn(Input):
    verdict: Literal["validated", "not_validated"]
    comment: str = Field("", max_length=3000)


class InteractionIn(Input):
    kind: Literal["interview", "visit"]
    held_on: dt.date = Field(..., description="The day it took place: today or earlier.")
    place: str = Field("", max_length=300)
    people_met: str = Field(..., min_length=1, max_length=2000)
    notes: str = Field("", max_length=10000)
    criteria: list[Annotated[str, Field(max_length=16)]] = Field(
        [], max_length=60, description="Codes of the criteria it informed."
    )


class InteractionOut(Schema):
    id: int
    kind: str
    held_on: dt.date
    place: str
    people_met: str
    notes: str
    criteria: list[str]
    recorded_at: dt.datetime


class DecisionIn(Input):
    level: LevelName | None = Field(None, description="Null: not certified.")
    rationale: str = Field(..., min_length=1, max_length=5000)
    difference_reason: str = Field("", max_length=5000)
    cohort: str = Field(..., pattern=COHORT_LABEL, description="Year and month: 2026-06.")
    cohort_reason: str = Field(
        "",
        max_length=2000,
        description="Required when `cohort` is not the next announcement after today: why the "
        "decision is announced in that cohort. Kept in the audit trail.",
    )


class DecisionOut(Schema):
    assessment: int
    level: str | None
    computed_level: str | None
    cohort: str | None
    decided_at: dt.datetime


class PendingCertificationOut(Schema):
    city: str
    level: str | None
    standard: str


class PendingCohortOut(Schema):
    label: str
    certifications: list[PendingCertificationOut]


class PublishedCohortOut(Schema):
    label: str
    published_at: dt.datetime


def _review_out(assessment: Assessment) -> dict[str, Any]:
    level, points = services.computed_level(assessment)

    def verdict(v: Validation) -> dict[str, str]:
        return {"reviewer": v.reviewer.email, "verdict": v.verdict, "comment": v.comment}

    return {
        "id": assessment.pk,
        "city": assessment.city.slug,
        "standard": assessment.standard.code,
        "state": assessment.state,
        "computed_level": level,
        "validated_points": points,
        "standings": [
            {
                "criterion": s.answer.criterion.code,
                "items": s.answer.items,
                "verdicts": [verdict(v) for v in s.verdicts],
                "settled": verdict(s.settled) if s.settled else None,
                "final": s.final,
                "disagreement": s.disagreement,
            }
            for s in services.standings(assessment)
        ],
    }


def _submitted(pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.exclude(state=Assessment.State.DRAFT).select_related(
            "city", "standard", "outcome_option"
        ),
        pk=pk,
    )


# The program admins' queue -------------------------------------------------------------------


@router.get(
    "/program/reviews",
    response={200: list[QueueItemOut], **errors(*AUTHENTICATED, 422)},
    summary="The review queue",
)
@paginate(LimitOffsetPagination)
def review_queue(request: HttpRequest, filters: Query[QueueFilters]) -> Shaped:
    """Submitted assessments, oldest first (program admins). Decided ones only when asked for
    with `state=decided`."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    items = queries.review_queue(
        state=filters.state or "",
        standard=filters.standard or "",
        country=filters.country or "",
        older_than=filters.older_than,
    )
    return Shaped(items, _queue_item)


def _queue_item(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "city": a.city.slug,
        "city_name": a.city.name,
        "country": a.city.country,
        "standard": a.standard.code,
        "state": a.state,
        "submitted_at": a.submitted_at,
        "reviewers": [
            {"email": r.reviewer.email, "conflict": r.conflict} for r in a.assignments.all()
        ],
        "open_clarifications": len(a.open_clarifications),  # type: ignore[attr-defined]
    }


@router.get(
    "/program/reviews/{assessment_id}",
    response={200: ReviewOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="An assessment under review",
)
def get_review(request: HttpRequest, assessment_id: int = id_path()) -> dict[str, Any]:
    """Every claimed criterion with the reviewers' verdicts, and the level the validated
    criteria reach (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    return _review_out(_submitted(assessment_id))


@router.post(
    "/program/reviews/{assessment_id}/reviewers",
    response={201: ReviewerOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Assign a reviewer",
)
def assign_reviewer(
    request: HttpRequest, payload: AssignIn, assessment_id: int = id_path()
) -> Status[Any]:
    """Give the assessment to a reviewer; the first one starts the review (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = _submitted(assessment_id)
    reviewer = User.objects.filter(
        email__iexact=payload.reviewer.strip(), program_roles__role=ProgramRole.Role.REVIEWER
    ).first()
    if reviewer is None:
        message = _("Give the email address of a reviewer.")
        raise ApiError(422, "invalid", message, {"reviewer": [message]})
    assignment = services.assign_reviewer(assessment, reviewer, request.user)  # type: ignore[arg-type]
    return Status(201, {"email": reviewer.email, "conflict": assignment.conflict})


@router.post(
    "/program/reviews/{assessment_id}/decision",
    response={201: DecisionOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Decide",
)
def decide(
    request: HttpRequest, payload: DecisionIn, assessment_id: int = id_path()
) -> Status[Any]:
    """Record the decision on an assessment in review: a level (or null for not certified),
    its rationale, why it differs from the computed level if it does, and why it takes a cohort
    other than the next announcement if it does (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = _submitted(assessment_id)
    refusal = services.cohort_label_refusal(payload.cohort, payload.cohort_reason)
    if refusal:
        raise services.ReviewError(refusal)
    decision = services.decide(
        assessment,
        level=payload.level or "",
        rationale=payload.rationale,
        difference_reason=payload.difference_reason,
        cohort_label=payload.cohort,
        cohort_reason=payload.cohort_reason,
        by=request.user,  # type: ignore[arg-type]
    )
    return Status(
        201,
        {
            "assessment": decision.assessment_id,
            "level": decision.level or None,
            "computed_level": decision.computed_level or None,
            "cohort": decision.cohort.label if decision.cohort else None,
            "decided_at": decision.decided_at,
        },
    )


@router.get(
    "/program/reviews/{assessment_id}/clarifications",
    response={200: list[clarifications.ClarificationOut], **errors(*AUTHENTICATED, 404, 422)},
    summary="Clarifications asked of the city",
)
def review_clarifications(
    request: HttpRequest, assessment_id: int = id_path()
) -> list[dict[str, Any]]:
    """Every clarification asked about the assessment, newest first, with the city's reply
    (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    return [clarifications.out(c) for c in clarifications.of(_submitted(assessment_id))]


@router.post(
    "/program/reviews/{assessment_id}/clarifications",
    response={201: clarifications.ClarificationOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Ask the city for a clarification",
)
def request_clarification(
    request: HttpRequest, payload: clarifications.ClarificationIn, assessment_id: int = id_path()
) -> Status[Any]:
    """Ask the city about some criteria, to answer by a future date; its team is told by
    email. Only while the assessment is in review (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    clarification = services.request_clarification(
        _submitted(assessment_id),
        payload.criteria,
        payload.message,
        payload.due_on,
        request.user,  # type: ignore[arg-type]
    )
    return Status(201, clarifications.out(clarification))


@router.put(
    "/program/reviews/{assessment_id}/settlements/{code}",
    response={200: ReviewOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="Settle the reviewers' disagreement on a criterion",
)
def settle(
    request: HttpRequest,
    payload: SettlementIn,
    assessment_id: int = id_path(),
    code: str = code_path(),
) -> dict[str, Any]:
    """Record the verdict that counts for one criterion when the reviewers disagree; sent
    again, it replaces the earlier one (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = _submitted(assessment_id)
    answer = get_object_or_404(assessment.answers, criterion__code=code)
    services.settle(answer, payload.verdict, request.user, payload.comment)  # type: ignore[arg-type]
    return _review_out(assessment)


def _interaction_out(interaction: Interaction) -> dict[str, Any]:
    return {
        "id": interaction.pk,
        "kind": interaction.kind,
        "held_on": interaction.held_on,
        "place": interaction.place,
        "people_met": interaction.people_met,
        "notes": interaction.notes,
        "criteria": [c.code for c in interaction.criteria.all()],
        "recorded_at": interaction.recorded_at,
    }


@router.get(
    "/program/reviews/{assessment_id}/interactions",
    response={200: list[InteractionOut], **errors(*AUTHENTICATED, 404, 422)},
    summary="Interviews and visits",
)
def interactions(request: HttpRequest, assessment_id: int = id_path()) -> list[dict[str, Any]]:
    """The validation interviews and site visits recorded for the assessment, oldest first
    (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    assessment = _submitted(assessment_id)
    return [
        _interaction_out(i)
        for i in assessment.interactions.prefetch_related(
            Prefetch("criteria", Criterion.objects.order_by("position"))
        )
    ]


@router.post(
    "/program/reviews/{assessment_id}/interactions",
    response={201: InteractionOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Record an interview or a visit",
)
def record_interaction(
    request: HttpRequest, payload: InteractionIn, assessment_id: int = id_path()
) -> Status[Any]:
    """Record a validation interview or a site visit once it has taken place, who was met,
    and the criteria it informed (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    interaction = services.record_interaction(
        _submitted(assessment_id),
        kind=payload.kind,
        held_on=payload.held_on,
        place=payload.place,
        people_met=payload.people_met,
        notes=payload.notes,
        codes=payload.criteria,
        by=request.user,  # type: ignore[arg-type]
    )
    return Status(201, _interaction_out(interaction))


@router.get(
    "/program/cohorts",
    response={200: list[PendingCohortOut], **errors(*AUTHENTICATED)},
    summary="Cohorts to publish",
)
def pending_cohorts(request: HttpRequest) -> list[dict[str, Any]]:
    """Cohorts whose decisions are not announced yet, with their certifications."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    cohorts = Cohort.objects.filter(published_at__isnull=True).prefetch_related(
        Prefetch(
            "certifications",
            Certification.objects.select_related("city", "standard").order_by("city__name"),
        )
    )
    return [
        {
            "label": c.label,
            "certifications": [
                {
                    "city": cert.city.slug,
                    "level": cert.level or None,
                    "standard": cert.standard.code,
                }
                for cert in c.certifications.all()
            ],
        }
        for c in cohorts
    ]


@router.post(
    "/program/cohorts/{label}/publish",
    response={200: PublishedCohortOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Publish a cohort",
)
def publish(request: HttpRequest, label: str = cohort_path()) -> dict[str, Any]:
    """Announce a cohort: its certifications become public, with their events derived from
    each city's history."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    cohort = get_object_or_404(Cohort, label=label, published_at__isnull=True)
    published = publish_cohort(cohort)
    return {"label": published.label, "published_at": published.published_at}


# A reviewer's own work -----------------------------------------------------------------------


def _assignment(request: HttpRequest, slug: str, action: Action) -> Assignment:
    """The token owner's assignment on the city: the open review first, else the latest they
    reviewed; the policy decides on that assessment."""
    access = authorized(request, slug, action)
    assignment = services.assignment_of(request.user, access.city)  # type: ignore[arg-type]
    if assignment is None:
        raise Http404("No assessment to review")
    access.require(action, assignment.assessment)
    return assignment


@router.post(
    "/my/reviews/{slug}/declaration",
    response={200: ReviewerOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Declare any conflict of interest",
)
def declare(
    request: HttpRequest, payload: DeclarationIn, slug: str = slug_path()
) -> dict[str, Any]:
    """Before seeing a city's assessment, its reviewer declares whether they have a conflict of
    interest with the city; a conflict ends their access."""
    assignment = _assignment(request, slug, Action.DECLARE_CONFLICT)
    services.declare(assignment, conflict=payload.conflict, note=payload.note)
    assignment.refresh_from_db()
    return {"email": assignment.reviewer.email, "conflict": assignment.conflict}


@router.get(
    "/my/reviews/{slug}",
    response={200: ReviewOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="A review's standings",
)
def my_review(request: HttpRequest, slug: str = slug_path()) -> dict[str, Any]:
    """The claimed criteria with every reviewer's verdict, for the city's reviewer: the
    assessment in review, or once decided the one they reviewed (read only)."""
    assignment = _assignment(request, slug, Action.VIEW_ASSESSMENT)
    if assignment.conflict is not False:
        raise Http404("No assessment to review")
    return _review_out(assignment.assessment)


@router.put(
    "/my/reviews/{slug}/validations",
    response={200: SavedOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Record verdicts",
)
def validate(
    request: HttpRequest, payload: ValidationsIn, slug: str = slug_path()
) -> dict[str, int]:
    """The reviewer's verdict on claimed criteria: validated, not validated, or needs
    clarification, each with an optional comment. Sending a criterion again replaces it."""
    assignment = _assignment(request, slug, Action.VALIDATE)
    verdicts = {v.criterion: (v.verdict, v.comment) for v in payload.verdicts}
    saved = services.validate(assignment.assessment, request.user, verdicts)  # type: ignore[arg-type]
    return {"saved": saved}
