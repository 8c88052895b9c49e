"""A city team's work through the API: their cities, the assessment, answers (with the same
optimistic concurrency as the pages), evidence files, the score preview, and submitting."""

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.params import functions as params

from citycert.accounts import policy
from citycert.accounts.models import Membership, User
from citycert.accounts.policy import Access, Action
from citycert.assessments import evidence_files, scores, services
from citycert.assessments.models import Answer, Assessment, Evidence
from citycert.cities.models import City
from citycert.partners.queries import coached_cities
from citycert.web import authorized, visible_assessment

from . import clarifications
from .auth import token_auth
from .errors import AUTHENTICATED, ApiError, errors
from .ratelimit import RateLimit
from .schemas import Input, code_path, id_path, slug_path

router = Router(tags=["City teams"], auth=token_auth, throttle=RateLimit())


# Schemas -----------------------------------------------------------------------------------


class MyCityOut(Schema):
    slug: str
    name: str
    admin_area: str
    country: str
    roles: list[str]


class OutcomeOut(Schema):
    option: str | None
    narrative: str
    links: list[str]
    version: int


class ProblemOut(Schema):
    message: str


class AssessmentOut(Schema):
    id: int
    city: str
    standard: str
    state: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    criteria: int
    answered: int
    outcome_gate_required: bool
    outcome: OutcomeOut
    problems: list[ProblemOut]


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    carried_forward: bool
    uploaded_at: dt.datetime


class AnswerOut(Schema):
    criterion: str
    status: str
    items: list[str]
    narrative: str
    links: list[str]
    version: int
    carried_forward: bool
    assigned_to: str | None
    updated_at: dt.datetime
    updated_by: str | None
    editable: bool
    evidence: list[EvidenceOut]


class AssigneeIn(Input):
    person: str | None = Field(
        ...,
        max_length=254,
        description="The email address of a member of the city's team; null: nobody.",
    )


class AnswerIn(Input):
    version: int = Field(..., ge=1, description="The answer's version you read.")
    status: Literal["claimed", "not_met"]
    items: list[str] = Field(default_factory=list, max_length=50)
    narrative: str = Field("", max_length=5000)
    links: list[str] = Field(default_factory=list, max_length=services.MAX_LINKS)


class OutcomeIn(Input):
    version: int = Field(..., ge=1, description="The outcome's version you read.")
    option: str = Field(..., max_length=32)
    narrative: str = Field("", max_length=5000)
    links: list[str] = Field(default_factory=list, max_length=services.MAX_LINKS)


class StartIn(Input):
    carry_forward: bool = Field(
        True, description="Bring the answers and evidence of the last decided assessment."
    )


class AreaScoreOut(Schema):
    area: str
    points: int
    possible: int


class ScoreOut(Schema):
    standard: str
    basis: str
    points: int
    possible: int
    percent: float
    level: str | None
    outcome_gate_met: bool
    next_level: str | None
    criteria_to_next_level: list[str] | None
    areas: list[AreaScoreOut]


# Reading ------------------------------------------------------------------------------------


def _city(request: HttpRequest, slug: str, action: Action) -> Access:
    """The person's access to the city, if the policy lets the token's owner do `action` there
    (else 404 / 403): the same door as the pages."""
    return authorized(request, slug, action)


def _assessment(access: Access) -> Assessment:
    """The open assessment, or the latest this person may read (as on the pages)."""
    return visible_assessment(access)


def _answers(assessment: Assessment) -> Any:
    return assessment.answers.select_related(
        "criterion", "assessment", "assigned_to", "updated_by"
    ).prefetch_related(Prefetch("evidence", Evidence.objects.order_by("uploaded_at")))


def _answer(access: Access, code: str = code_path()) -> Answer:
    answer: Answer = get_object_or_404(_answers(_assessment(access)), criterion__code=code)
    return answer


def _assessment_out(assessment: Assessment) -> dict[str, Any]:
    counts = assessment.answers.aggregate(
        total=Count("pk"), answered=Count("pk", filter=~Q(status=Answer.Status.UNANSWERED))
    )
    return {
        "id": assessment.pk,
        "city": assessment.city.slug,
        "standard": assessment.standard.code,
        "state": assessment.state,
        "created_at": assessment.created_at,
        "submitted_at": assessment.submitted_at,
        "criteria": counts["total"],
        "answered": counts["answered"],
        "outcome_gate_required": assessment.standard.outcome_gate_required,
        "outcome": {
            "option": assessment.outcome_option.code if assessment.outcome_option else None,
            "narrative": assessment.outcome_narrative,
            "links": assessment.outcome_links,
            "version": assessment.outcome_version,
        },
        "problems": [
            {"message": p.message}
            for p in (services.problems(assessment) if assessment.is_editable else [])
        ],
    }


def _editable(access: Access) -> Callable[[Answer], bool]:
    """Whether the person may change an answer now (the access is gathered once)."""

    def editable(answer: Answer) -> bool:
        return access.can(Action.EDIT_ANSWER, answer) and services.answer_is_open(answer)

    return editable


def _answer_out(answer: Answer, editable: Callable[[Answer], bool]) -> dict[str, Any]:
    return {
        "criterion": answer.criterion.code,
        "status": answer.status,
        "items": answer.items,
        "narrative": answer.narrative,
        "links": answer.links,
        "version": answer.version,
        "carried_forward": answer.carried_forward,
        "assigned_to": answer.assigned_to.email if answer.assigned_to else None,
        "updated_at": answer.updated_at,
        "updated_by": answer.updated_by.email if answer.updated_by else None,
        "editable": editable(answer),
        "evidence": [
            {
                "id": e.pk,
                "name": e.name,
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "carried_forward": e.carried_forward,
                "uploaded_at": e.uploaded_at,
            }
            for e in answer.evidence.all()
        ],
    }


def _links(links: list[str], field: str = "links") -> list[str]:
    try:
        return services.clean_links(links)
    except services.AssessmentError as exc:
        raise ApiError(422, "invalid", str(exc), {field: [str(exc)]}) from None


@router.get(
    "/my/cities",
    response={200: list[MyCityOut], **errors(*AUTHENTICATED)},
    summary="Your cities",
)
def my_cities(request: HttpRequest) -> list[dict[str, Any]]:
    """The cities the token's owner works for, coaches or reviews, with their roles there."""
    user: User = request.user  # type: ignore[assignment]
    roles: dict[int, set[str]] = {}
    cities: dict[int, City] = {}
    for m in user.memberships.select_related("city"):
        cities[m.city_id] = m.city
        roles.setdefault(m.city_id, set()).add(m.role)
    for e in coached_cities(user):
        cities[e.city_id] = e.city
        roles.setdefault(e.city_id, set()).add(policy.COACH)
    for a in user.review_assignments.filter(
        conflict=False, assessment__state__in=Assessment.REVIEW_STATES
    ).select_related("assessment__city"):
        cities[a.assessment.city_id] = a.assessment.city
        roles.setdefault(a.assessment.city_id, set()).add(policy.REVIEWER)
    return [
        {
            "slug": c.slug,
            "name": c.name,
            "admin_area": c.admin_area,
            "country": c.country,
            "roles": sorted(roles[pk]),
        }
        for pk, c in sorted(cities.items(), key=lambda kv: (kv[1].name, kv[1].slug))
    ]


@router.get(
    "/my/cities/{slug}/assessment",
    response={200: AssessmentOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="The city's assessment",
)
def get_assessment(request: HttpRequest, slug: str = slug_path()) -> dict[str, Any]:
    """The open assessment (or the latest decided one), its progress, and what is still
    missing before it can be submitted."""
    return _assessment_out(_assessment(_city(request, slug, Action.VIEW_ASSESSMENT)))


@router.post(
    "/my/cities/{slug}/assessment",
    response={201: AssessmentOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Start an assessment",
)
def start_assessment(
    request: HttpRequest, payload: StartIn, slug: str = slug_path()
) -> Status[Any]:
    """Open a new assessment against the current Standard (the city's lead)."""
    city = _city(request, slug, Action.MANAGE_ASSESSMENT).city
    assessment = services.start(city, request.user, carry_forward=payload.carry_forward)  # type: ignore[arg-type]
    return Status(201, _assessment_out(assessment))


@router.get(
    "/my/cities/{slug}/assessment/answers",
    response={200: list[AnswerOut], **errors(*AUTHENTICATED, 404, 422)},
    summary="The assessment's answers",
)
@paginate(LimitOffsetPagination)
def list_answers(request: HttpRequest, slug: str = slug_path()) -> list[dict[str, Any]]:
    """Every answer, in the Standard's order."""
    access = _city(request, slug, Action.VIEW_ASSESSMENT)
    editable = _editable(access)
    return [_answer_out(a, editable) for a in _answers(_assessment(access))]


@router.get(
    "/my/cities/{slug}/assessment/answers/{code}",
    response={200: AnswerOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="One answer",
)
def get_answer(
    request: HttpRequest, slug: str = slug_path(), code: str = code_path()
) -> dict[str, Any]:
    access = _city(request, slug, Action.VIEW_ASSESSMENT)
    return _answer_out(_answer(access, code), _editable(access))


@router.put(
    "/my/cities/{slug}/assessment/answers/{code}",
    response={200: AnswerOut, **errors(*AUTHENTICATED, 400, 404, 409, 422)},
    summary="Update an answer",
)
def update_answer(
    request: HttpRequest, payload: AnswerIn, slug: str = slug_path(), code: str = code_path()
) -> Any:
    """Save a claim. Send the `version` you read: if someone saved the answer since, nothing
    is changed and the answer is 409 with the current version."""
    access = _city(request, slug, Action.VIEW_ASSESSMENT)
    answer = _answer(access, code)
    access.require(Action.EDIT_ANSWER, answer)
    services.save_answer(
        answer,
        version=payload.version,
        status=payload.status,
        items=payload.items,
        narrative=payload.narrative,
        links=_links(payload.links),
        by=request.user,  # type: ignore[arg-type]
    )
    return _answer_out(_answer(access, code), _editable(access))


@router.post(
    "/my/cities/{slug}/assessment/answers/{code}/evidence",
    response={201: EvidenceOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Upload an evidence file",
)
def upload_evidence(
    request: HttpRequest, file: File[UploadedFile], slug: str = slug_path(), code: str = code_path()
) -> Status[Any]:
    """Attach a file (PDF, DOCX, XLSX, CSV, PNG or JPEG) to an answer, as multipart form data
    in the field `file`. The file is checked as on the pages; a refused file leaves nothing."""
    access = _city(request, slug, Action.VIEW_ASSESSMENT)
    answer = _answer(access, code)
    access.require(Action.EDIT_ANSWER, answer)
    stored = services.add_evidence(answer, file, file.name or "", request.user)  # type: ignore[arg-type]
    return Status(
        201,
        {
            "id": stored.pk,
            "name": stored.name,
            "content_type": stored.content_type,
            "size": stored.size,
            "sha256": stored.sha256,
            "carried_forward": stored.carried_forward,
            "uploaded_at": stored.uploaded_at,
        },
    )


@router.get(
    "/my/cities/{slug}/assessment/answers/{code}/evidence/{evidence_id}",
    response={200: None, **errors(*AUTHENTICATED, 404, 422)},
    summary="Download an evidence file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment, in its own content type.",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_evidence(
    request: HttpRequest,
    slug: str = slug_path(),
    code: str = code_path(),
    evidence_id: int = id_path(),
) -> FileResponse:
    """The stored file, for everyone who can read the assessment (its team, its coach, its
    reviewers, admins), always as a download: the same response as the pages give."""
    access = _city(request, slug, Action.VIEW_ASSESSMENT)
    evidence = get_object_or_404(_answer(access, code).evidence.all(), pk=evidence_id)
    return evidence_files.download(evidence)


@router.delete(
    "/my/cities/{slug}/assessment/answers/{code}/evidence/{evidence_id}",
    response={204: None, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Remove an evidence file",
)
def remove_evidence(
    request: HttpRequest,
    slug: str = slug_path(),
    code: str = code_path(),
    evidence_id: int = id_path(),
) -> Status[None]:
    """Take a file off an answer, by whoever may change the answer, while it can change. A
    file carried forward from an earlier assessment stays stored for that one."""
    access = _city(request, slug, Action.VIEW_ASSESSMENT)
    answer = _answer(access, code)
    access.require(Action.EDIT_ANSWER, answer)
    evidence = get_object_or_404(answer.evidence.select_related("answer"), pk=evidence_id)
    services.remove_evidence(evidence)
    return Status(204, None)


@router.put(
    "/my/cities/{slug}/assessment/answers/{code}/assignee",
    response={200: AnswerOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="Give a criterion to a team member",
)
def assign_answer(
    request: HttpRequest, payload: AssigneeIn, slug: str = slug_path(), code: str = code_path()
) -> dict[str, Any]:
    """Give a criterion to a member of the team to answer, or to nobody (the city's lead). A
    contributor can change only the answers given to them."""
    access = _city(request, slug, Action.MANAGE_ASSESSMENT)
    city = access.city
    answer = _answer(access, code)
    person = None
    if payload.person:
        membership = (
            Membership.objects.filter(city=city, user__email__iexact=payload.person.strip())
            .select_related("user")
            .first()
        )
        if membership is None:
            message = _("Give the email address of a member of the city's team.")
            raise ApiError(422, "invalid", message, {"person": [message]})
        person = membership.user
    services.assign(answer, person)
    return _answer_out(_answer(access, code), _editable(access))


@router.put(
    "/my/cities/{slug}/assessment/outcome",
    response={200: AssessmentOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Update the outcome gate",
)
def update_outcome(
    request: HttpRequest, payload: OutcomeIn, slug: str = slug_path()
) -> dict[str, Any]:
    """Which outcome the city shows it meets, and how (the city's lead). Send the outcome's
    `version` you read."""
    access = _city(request, slug, Action.VIEW_ASSESSMENT)
    assessment = _assessment(access)
    access.require(Action.MANAGE_ASSESSMENT)
    option = assessment.standard.outcome_options.filter(code=payload.option).first()
    if option is None:
        message = _("Choose one of this Standard's outcomes.")
        raise ApiError(422, "invalid", message, {"option": [message]})
    saved = services.save_outcome(
        assessment,
        version=payload.version,
        option=option,
        narrative=payload.narrative,
        links=_links(payload.links),
    )
    return _assessment_out(saved)


@router.get(
    "/my/cities/{slug}/assessment/score",
    response={200: ScoreOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="Score preview",
)
def score_preview(
    request: HttpRequest,
    slug: str = slug_path(),
    basis: Literal["claimed", "validated"] = params.Query(
        "claimed",
        description="claimed: the answers as the city claims them (the default); validated: "
        "the claims the review found validated.",
    ),
) -> dict[str, Any]:
    """The score the answers reach on a basis: points, level, and the fewest further criteria
    that would reach the next level. By default as claimed, before any review."""
    assessment = _assessment(_city(request, slug, Action.VIEW_ASSESSMENT))
    result = scores.score(assessment, scores.Basis(basis))
    return {
        "standard": assessment.standard.code,
        "basis": basis,
        "points": result.points,
        "possible": result.possible,
        "percent": result.percent,
        "level": result.level,
        "outcome_gate_met": result.outcome_gate_met,
        "next_level": result.next_level,
        "criteria_to_next_level": list(result.plan.criteria)
        if result.plan and result.plan.criteria is not None
        else None,
        "areas": [
            {"area": code, "points": area.points, "possible": area.possible}
            for code, area in result.areas.items()
        ],
    }


@router.post(
    "/my/cities/{slug}/assessment/submit",
    response={200: AssessmentOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Submit the assessment",
)
def submit(request: HttpRequest, slug: str = slug_path()) -> dict[str, Any]:
    """Send the assessment to the certification team (the city's lead). If anything is still
    missing, nothing changes and the answer is 400 with each problem under `fields.assessment`."""
    assessment = _assessment(_city(request, slug, Action.MANAGE_ASSESSMENT))
    missing = services.problems(assessment) if assessment.is_editable else []
    try:
        submitted = services.submit(assessment, request.user)  # type: ignore[arg-type]
    except services.AssessmentError as exc:
        raise ApiError(
            400, "refused", str(exc), {"assessment": [p.message for p in missing]}
        ) from None
    return _assessment_out(submitted)


# Clarifications ---------------------------------------------------------------------------


@router.get(
    "/my/cities/{slug}/assessment/clarifications",
    response={200: list[clarifications.ClarificationOut], **errors(*AUTHENTICATED, 404, 422)},
    summary="Clarifications asked of the city",
)
def list_clarifications(request: HttpRequest, slug: str = slug_path()) -> list[dict[str, Any]]:
    """What the certification team asked about the assessment, newest first. While one is
    open, the city may change the answers it names (and their evidence), and nothing else."""
    access = _city(request, slug, Action.VIEW_ASSESSMENT)
    return [clarifications.out(c) for c in clarifications.of(_assessment(access))]


@router.post(
    "/my/cities/{slug}/assessment/clarifications/{clarification_id}/reply",
    response={
        200: clarifications.ClarificationOut,
        **errors(*AUTHENTICATED, 400, 404, 422),
    },
    summary="Answer a clarification",
)
def reply_to_clarification(
    request: HttpRequest,
    payload: clarifications.ClarificationReplyIn,
    slug: str = slug_path(),
    clarification_id: int = id_path(),
) -> dict[str, Any]:
    """Tell the certification team the city has answered (the city's lead). The answers it
    names lock again; a clarification already answered gets 400."""
    from citycert.reviews import services as reviews

    access = _city(request, slug, Action.MANAGE_ASSESSMENT)
    clarification = get_object_or_404(clarifications.of(_assessment(access)), pk=clarification_id)
    answered = reviews.answer_clarification(clarification, payload.reply, request.user)  # type: ignore[arg-type]
    return clarifications.out(answered)


@router.post(
    "/my/cities/{slug}/assessment/withdraw",
    response={200: AssessmentOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Withdraw the submitted assessment",
)
def withdraw(request: HttpRequest, slug: str = slug_path()) -> dict[str, Any]:
    """Take a submitted assessment back to draft to change it, until its review starts (the
    city's lead). Once a reviewer is assigned the answer is 400."""
    access = _city(request, slug, Action.MANAGE_ASSESSMENT)
    withdrawn = services.withdraw(_assessment(access), request.user)  # type: ignore[arg-type]
    return _assessment_out(withdrawn)
