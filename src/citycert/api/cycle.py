"""The certification cycle through the API: appeals (the city lodges, a panel recommends, an
admin records the outcome), the rules of validity, renewal and appeal per Standard version,
the certifications up for renewal, and each person's notifications. The same services and
policy as the pages."""

import datetime as dt
from typing import Any, Literal

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.params import functions as params

from citycert.accounts import policy
from citycert.accounts.models import ProgramRole, User
from citycert.accounts.policy import Action
from citycert.assessments import evidence_files
from citycert.assessments.models import Assessment
from citycert.reviews import appeals, queries, rules
from citycert.reviews.models import Appeal, AppealFile, Panelist
from citycert.standards.models import StandardVersion
from citycert.web import authorized, city_access

from .auth import token_auth
from .errors import AUTHENTICATED, ApiError, errors
from .ratelimit import RateLimit
from .reviews import DeclarationIn
from .schemas import Input, id_path, slug_path

router = Router(tags=["Certification cycle"], auth=token_auth, throttle=RateLimit())

Ground = Literal["factual", "procedural", "new_evidence"]
Outcome = Literal["upheld", "modified", "overturned"]
LevelOrNone = Literal["silver", "gold", "platinum"] | None


class AppealFileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime


class PanelistOut(Schema):
    email: str
    conflict: bool | None
    recommendation: str | None
    level: str | None
    comment: str


class AppealOut(Schema):
    id: int
    city: str
    assessment: int
    decided_level: str | None = Field(..., description="The level the decision gave (null: none).")
    grounds: list[str]
    statement: str
    lodged_at: dt.datetime
    open: bool
    outcome: str | None
    level: str | None = Field(..., description="The level after the appeal, once decided.")
    rationale: str
    decided_at: dt.datetime | None
    files: list[AppealFileOut]
    panel: list[PanelistOut] | None = Field(
        ..., description="The panel and its recommendations: for program admins and panelists."
    )


class AppealIn(Input):
    grounds: list[Ground] = Field(..., min_length=1, max_length=3)
    statement: str = Field(..., min_length=1, max_length=5000)


class PanelistIn(Input):
    reviewer: str = Field(..., max_length=254, description="The reviewer's email address.")


class RecommendationIn(Input):
    outcome: Outcome
    level: LevelOrNone = Field(None, description="The level, for modified or overturned.")
    comment: str = Field(..., min_length=1, max_length=5000)


class OutcomeIn(Input):
    outcome: Outcome
    level: LevelOrNone = Field(None, description="The new level, for modified or overturned.")
    rationale: str = Field(..., min_length=1, max_length=5000)


class RulesOut(Schema):
    standard: str
    valid_years: int | None = Field(..., description="Null: certifications do not end.")
    renewal_window_days: int
    grace_days: int
    appeal_window_days: int
    custom: bool = Field(..., description="Set by a program admin (else the defaults).")


class RulesIn(Input):
    valid_years: int | None = Field(..., ge=1, le=20)
    renewal_window_days: int = Field(..., ge=0, le=730)
    grace_days: int = Field(..., ge=0, le=365)
    appeal_window_days: int = Field(..., ge=1, le=365)


class RenewalOut(Schema):
    city: str
    city_name: str
    level: str | None
    standard: str
    valid_until: dt.date | None
    status: str = Field(..., description="valid, due, renewal or expired, today.")
    renewal_submitted_at: dt.datetime | None
    renewal_until: dt.date | None


class NotificationOut(Schema):
    id: int
    kind: str
    city: str | None
    subject: str
    text: str
    link: str
    language: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


def _file_out(item: AppealFile) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "uploaded_at": item.uploaded_at,
    }


def _appeal_out(appeal: Appeal, *, with_panel: bool) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "city": appeal.assessment.city.slug,
        "assessment": appeal.assessment_id,
        "decided_level": appeal.decision.level or None,
        "grounds": appeal.grounds,
        "statement": appeal.statement,
        "lodged_at": appeal.lodged_at,
        "open": appeal.is_open,
        "outcome": appeal.outcome or None,
        "level": (appeal.level or None) if not appeal.is_open else None,
        "rationale": appeal.rationale,
        "decided_at": appeal.decided_at,
        "files": [_file_out(f) for f in appeal.files.all()],
        "panel": [_panelist_out(p) for p in appeal.panel.select_related("reviewer")]
        if with_panel
        else None,
    }


def _appeals() -> Any:
    return Appeal.objects.select_related("assessment__city", "decision").prefetch_related("files")


def _city_appeal(request: HttpRequest, slug: str, appeal_id: int, action: Action) -> Appeal:
    access = city_access(request, slug)
    appeal: Appeal = get_object_or_404(_appeals(), pk=appeal_id, assessment__city=access.city)
    access.require(action, appeal)
    return appeal


def _sees_panel(request: HttpRequest, appeal: Appeal) -> bool:
    return (
        policy.can(request.user, Action.MANAGE_REVIEWS)
        or appeal.panel.filter(reviewer_id=request.user.pk, conflict=False).exists()
    )


# The city ---------------------------------------------------------------------------------


@router.get(
    "/my/cities/{slug}/appeals",
    response={200: list[AppealOut], **errors(*AUTHENTICATED, 404, 422)},
    summary="The city's appeals",
)
def city_appeals(request: HttpRequest, slug: str = slug_path()) -> list[dict[str, Any]]:
    """Every appeal of the city, newest first (its team, its coach, program admins)."""
    access = authorized(request, slug, Action.VIEW_APPEAL)
    found = [
        a
        for a in _appeals().filter(assessment__city=access.city)
        if access.can(Action.VIEW_APPEAL, a)
    ]
    return [_appeal_out(a, with_panel=_sees_panel(request, a)) for a in found]


@router.post(
    "/my/cities/{slug}/appeals",
    response={201: AppealOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Appeal the decision",
)
def lodge_appeal(request: HttpRequest, payload: AppealIn, slug: str = slug_path()) -> Status[Any]:
    """Appeal the decision on the city's latest decided assessment, within the appeal window,
    on stated grounds (the city's lead). Files can be added afterwards, while it is open."""
    access = authorized(request, slug, Action.APPEAL)
    assessment = (
        access.city.assessments.filter(state__in=Assessment.DECIDED_STATES)
        .order_by("-created_at")
        .first()
    )
    if assessment is None:
        raise ApiError(400, "refused", _("Only a decided assessment can be appealed."))
    appeal = appeals.lodge(
        assessment,
        grounds=payload.grounds,
        statement=payload.statement,
        by=request.user,  # type: ignore[arg-type]
    )
    return Status(201, _appeal_out(_appeals().get(pk=appeal.pk), with_panel=False))


@router.get(
    "/my/cities/{slug}/appeals/{appeal_id}",
    response={200: AppealOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="An appeal",
)
def get_appeal(
    request: HttpRequest, slug: str = slug_path(), appeal_id: int = id_path()
) -> dict[str, Any]:
    """The appeal, its files and, once decided, its outcome (the city's team and coach,
    program admins and the panel)."""
    appeal = _city_appeal(request, slug, appeal_id, Action.VIEW_APPEAL)
    return _appeal_out(appeal, with_panel=_sees_panel(request, appeal))


@router.post(
    "/my/cities/{slug}/appeals/{appeal_id}/files",
    response={201: AppealFileOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Add a file to an appeal",
)
def add_appeal_file(
    request: HttpRequest,
    file: File[UploadedFile],
    slug: str = slug_path(),
    appeal_id: int = id_path(),
) -> Status[Any]:
    """Attach a supporting file (PDF, DOCX, XLSX, CSV, PNG or JPEG), checked as evidence files
    are, while the appeal is open (the city's lead)."""
    access = authorized(request, slug, Action.APPEAL)
    appeal = get_object_or_404(Appeal, pk=appeal_id, assessment__city=access.city)
    item = appeals.add_file(appeal, file, file.name or "", request.user)  # type: ignore[arg-type]
    return Status(201, _file_out(item))


@router.get(
    "/my/cities/{slug}/appeals/{appeal_id}/files/{file_id}",
    response={200: None, **errors(*AUTHENTICATED, 404, 422)},
    summary="Download a file of an appeal",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file, as an attachment, in its own content type.",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_appeal_file(
    request: HttpRequest,
    slug: str = slug_path(),
    appeal_id: int = id_path(),
    file_id: int = id_path(),
) -> FileResponse:
    appeal = _city_appeal(request, slug, appeal_id, Action.VIEW_APPEAL)
    return evidence_files.download(get_object_or_404(AppealFile, pk=file_id, appeal=appeal))  # type: ignore[arg-type]


# The panel ---------------------------------------------------------------------------------


def _seat(request: HttpRequest, slug: str, appeal_id: int, action: Action) -> Panelist:
    appeal = _city_appeal(request, slug, appeal_id, action)
    return get_object_or_404(Panelist, appeal=appeal, reviewer=request.user)


@router.post(
    "/my/cities/{slug}/appeals/{appeal_id}/declaration",
    response={200: PanelistOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Declare any conflict of interest (a panelist)",
)
def panel_declaration(
    request: HttpRequest,
    payload: DeclarationIn,
    slug: str = slug_path(),
    appeal_id: int = id_path(),
) -> dict[str, Any]:
    """Before reading an appeal, a member of its panel declares whether they have a conflict
    of interest with the city; a conflict ends their seat."""
    seat = appeals.declare(
        _seat(request, slug, appeal_id, Action.DECLARE_PANEL_CONFLICT),
        conflict=payload.conflict,
        note=payload.note,
    )
    return _panelist_out(seat)


def _panelist_out(seat: Panelist) -> dict[str, Any]:
    return {
        "email": seat.reviewer.email,
        "conflict": seat.conflict,
        "recommendation": seat.recommendation or None,
        "level": (seat.level or None) if seat.recommendation else None,
        "comment": seat.comment,
    }


@router.put(
    "/my/cities/{slug}/appeals/{appeal_id}/recommendation",
    response={200: PanelistOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Recommend an outcome (a panelist)",
)
def recommendation(
    request: HttpRequest,
    payload: RecommendationIn,
    slug: str = slug_path(),
    appeal_id: int = id_path(),
) -> dict[str, Any]:
    """A panelist's recommendation: upheld, modified or overturned (with the level), and why.
    Sent again, it replaces the earlier one."""
    seat = appeals.recommend(
        _seat(request, slug, appeal_id, Action.RECOMMEND),
        outcome=payload.outcome,
        level=payload.level or "",
        comment=payload.comment,
    )
    return _panelist_out(seat)


# Program admins ----------------------------------------------------------------------------


@router.get(
    "/program/appeals",
    response={200: list[AppealOut], **errors(*AUTHENTICATED, 422)},
    summary="Appeals",
)
def program_appeals(
    request: HttpRequest, state: Literal["open", "decided", "all"] = "open"
) -> list[dict[str, Any]]:
    """Appeals, oldest first, with their panels (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    found = _appeals().order_by("lodged_at", "pk")
    if state == "open":
        found = found.filter(decided_at__isnull=True)
    elif state == "decided":
        found = found.filter(decided_at__isnull=False)
    return [_appeal_out(a, with_panel=True) for a in found[:500]]


@router.post(
    "/program/appeals/{appeal_id}/panel",
    response={201: PanelistOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Seat a reviewer on an appeal's panel",
)
def seat_panelist(
    request: HttpRequest, payload: PanelistIn, appeal_id: int = id_path()
) -> Status[Any]:
    """Seat a reviewer who did not review the assessment (program admins); they are told by
    email and declare any conflict of interest first."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    appeal = get_object_or_404(Appeal, pk=appeal_id)
    reviewer = User.objects.filter(
        email__iexact=payload.reviewer.strip(), program_roles__role=ProgramRole.Role.REVIEWER
    ).first()
    if reviewer is None:
        message = _("Give the email address of a reviewer.")
        raise ApiError(422, "invalid", message, {"reviewer": [message]})
    seat = appeals.add_panelist(appeal, reviewer, request.user)  # type: ignore[arg-type]
    return Status(201, _panelist_out(seat))


@router.post(
    "/program/appeals/{appeal_id}/outcome",
    response={200: AppealOut, **errors(*AUTHENTICATED, 400, 404, 422)},
    summary="Record an appeal's outcome",
)
def appeal_outcome(
    request: HttpRequest, payload: OutcomeIn, appeal_id: int = id_path()
) -> dict[str, Any]:
    """The panel's outcome, with its rationale (program admins). A changed level is published
    as the announcement rules allow: with its cohort, at once if the cohort is out, or as a
    correcting certification."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    appeal = get_object_or_404(Appeal, pk=appeal_id)
    appeals.decide(
        appeal,
        outcome=payload.outcome,
        level=payload.level or "",
        rationale=payload.rationale,
        by=request.user,  # type: ignore[arg-type]
    )
    return _appeal_out(_appeals().get(pk=appeal.pk), with_panel=True)


def _rules_out(standard: StandardVersion) -> dict[str, Any]:
    found = rules.for_standard(standard)
    return {
        "standard": standard.code,
        "valid_years": found.valid_years,
        "renewal_window_days": found.renewal_window_days,
        "grace_days": found.grace_days,
        "appeal_window_days": found.appeal_window_days,
        "custom": found.custom,
    }


@router.get(
    "/program/rules",
    response={200: list[RulesOut], **errors(*AUTHENTICATED)},
    summary="Validity, renewal and appeal rules",
)
def list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    """For each Standard version: how long a certification is valid, the renewal window, the
    grace period and the appeal window (program admins)."""
    policy.authorize(request.user, Action.MANAGE_RULES)
    return [_rules_out(v) for v in StandardVersion.objects.order_by("-effective_from")]


@router.put(
    "/program/rules/{code}",
    response={200: RulesOut, **errors(*AUTHENTICATED, 404, 422)},
    summary="Set a version's rules",
)
def set_rules(
    request: HttpRequest,
    payload: RulesIn,
    code: str = params.Path(
        ..., pattern=r"^[0-9A-Za-z._-]{1,20}$", description="The version, e.g. 2022."
    ),
) -> dict[str, Any]:
    """Set a Standard version's rules (program admins; audited). Certifications published from
    then on follow them; published ones keep their end date."""
    policy.authorize(request.user, Action.MANAGE_RULES)
    standard = get_object_or_404(StandardVersion, code=code)
    rules.save(standard, by=request.user, **payload.dict())  # type: ignore[arg-type]
    return _rules_out(standard)


@router.get(
    "/program/renewals",
    response={200: list[RenewalOut], **errors(*AUTHENTICATED, 422)},
    summary="Certifications up for renewal",
)
def program_renewals(
    request: HttpRequest, days: int = params.Query(180, ge=1, le=1095)
) -> list[dict[str, Any]]:
    """Current certifications that end within `days` days, or ended within as many (in their
    grace period, or expired), soonest first (program admins)."""
    policy.authorize(request.user, Action.MANAGE_REVIEWS)
    return [
        {
            "city": r.certification.city.slug,
            "city_name": r.certification.city.name,
            "level": r.certification.level or None,
            "standard": r.certification.standard.code,
            "valid_until": r.certification.valid_until,
            "status": r.status,
            "renewal_submitted_at": r.renewal.submitted_at if r.renewal else None,
            "renewal_until": r.renewal_until,
        }
        for r in queries.renewals(timezone.localdate(), days)
    ]


@router.get(
    "/my/notifications",
    response={200: list[NotificationOut], **errors(*AUTHENTICATED, 422)},
    summary="Your notifications",
)
def my_notifications(
    request: HttpRequest, limit: int = params.Query(50, ge=1, le=500)
) -> list[dict[str, Any]]:
    """The emails the program sent you (or is sending), newest first."""
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "city": n.city.slug if n.city else None,
            "subject": n.subject,
            "text": n.text,
            "link": n.link,
            "language": n.language,
            "created_at": n.created_at,
            "sent_at": n.sent_at,
        }
        for n in request.user.notifications.select_related("city")[:limit]  # type: ignore[union-attr]
    ]
