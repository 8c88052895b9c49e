"""Where a city stands, at the top of its home (see `citycert.accounts.home`): its stage in the
cycle, the one thing to do next for the person looking, how far its assessment has come, who
works on what, and the dates that matter.

The stage puts together what two apps own: the assessment's state (`assessments.workflow`) and
the current certification's standing (`renewal`). This app may read both, so it is composed
here, and nowhere else:

- an assessment with the certification team: submitted, in review, or clarification due;
- a decision not announced yet (or a not-certified one): decided;
- a current award: expired, renewal due (its renewal window has opened), or certified;
- otherwise an assessment in progress (or none yet): draft.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from citycert.accounts.home import Section
from citycert.accounts.policy import CONTRIBUTOR, Action
from citycert.assessments import queries
from citycert.assessments.models import Assessment

from . import renewal, rules
from .models import Certification, Clarification, Decision

State = Assessment.State


class Stage(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CLARIFICATION = "clarification"
    DECIDED = "decided"
    CERTIFIED = "certified"
    RENEWAL_DUE = "renewal_due"
    EXPIRED = "expired"


#: The step of the cycle each stage shows as current (Draft, Submitted, In review, Decided,
#: Certified); an expired certification starts the cycle again.
STEPS = {
    Stage.DRAFT: 1,
    Stage.SUBMITTED: 2,
    Stage.IN_REVIEW: 3,
    Stage.CLARIFICATION: 3,
    Stage.DECIDED: 4,
    Stage.CERTIFIED: 5,
    Stage.RENEWAL_DUE: 5,
    Stage.EXPIRED: 1,
}


@dataclass(frozen=True)
class NextStep:
    """The one thing to do next: a link when there is a page to do it on, else a sentence."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Standing:
    """A city's stage, with what it was derived from."""

    stage: Stage
    assessment: Assessment | None  # the open one, else the latest
    progress: queries.Progress | None
    decision: Decision | None  # on `assessment`
    award: Certification | None  # the current one
    award_status: renewal.Status | None
    clarification_due: dt.date | None
    renewal_opens: dt.date | None

    @property
    def step(self) -> int:
        return STEPS[self.stage]

    @property
    def open_draft(self) -> bool:
        return self.assessment is not None and self.assessment.state == State.DRAFT


def standing(city: Any, today: dt.date) -> Standing:
    """The city's `Standing` on `today`, in a bounded number of queries."""
    assessment = (
        city.assessments.select_related("standard", "outcome_option")
        .order_by("-created_at", "-pk")
        .first()
    )
    decision = None
    if assessment is not None and assessment.is_decided:
        decision = (
            Decision.objects.filter(assessment=assessment).select_related("certification").first()
        )
    due = None
    if assessment is not None and assessment.state == State.CLARIFICATION:
        due = (
            Clarification.objects.filter(assessment=assessment, answered_at__isnull=True)
            .order_by("due_on")
            .values_list("due_on", flat=True)
            .first()
        )
    current = renewal.standing_of(city.pk, today)
    award = current.certification if current else None
    opens = None
    if award is not None and award.valid_until is not None:
        window = rules.for_standards({award.standard_id})[award.standard_id].renewal_window_days
        opens = award.valid_until - dt.timedelta(days=window)
    unannounced = decision is not None and (
        decision.certification is None or decision.certification.published_at is None
    )
    if assessment is not None and assessment.state in Assessment.REVIEW_STATES:
        stage = {
            State.SUBMITTED: Stage.SUBMITTED,
            State.IN_REVIEW: Stage.IN_REVIEW,
            State.CLARIFICATION: Stage.CLARIFICATION,
        }[State(assessment.state)]
    elif decision is not None and unannounced:
        stage = Stage.DECIDED
    elif current is not None and current.status is renewal.Status.EXPIRED:
        stage = Stage.EXPIRED
    elif current is not None and current.status is renewal.Status.DUE:
        stage = Stage.RENEWAL_DUE
    elif current is not None:
        stage = Stage.CERTIFIED
    elif assessment is not None and assessment.is_decided:
        stage = Stage.DECIDED
    else:
        stage = Stage.DRAFT
    return Standing(
        stage=stage,
        assessment=assessment,
        progress=queries.progress(assessment) if assessment is not None else None,
        decision=decision,
        award=award,
        award_status=current.status if current else None,
        clarification_due=due,
        renewal_opens=opens,
    )


def _day(value: dt.date | dt.datetime | None, city: Any) -> str:
    """A date as the page's language writes it; a moment on the city's calendar."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        try:
            zone = zoneinfo.ZoneInfo(city.timezone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
        value = timezone.localtime(value, zone).date()
    return formats.date_format(value, "DATE_FORMAT")


def headline(found: Standing, city: Any) -> str:
    """The stage in a few words: the step indicator's heading."""
    award = found.award
    match found.stage:
        case Stage.DRAFT:
            return _("Draft") if found.assessment is not None else _("Not started")
        case Stage.SUBMITTED:
            return _("Submitted")
        case Stage.IN_REVIEW:
            return _("In review")
        case Stage.CLARIFICATION:
            if found.clarification_due is None:
                return _("Clarification asked")
            return _("Clarification due on %(date)s") % {
                "date": _day(found.clarification_due, city)
            }
        case Stage.DECIDED:
            return _("Decided")
        case Stage.CERTIFIED:
            if award is None or award.valid_until is None:
                return _("Certified, no end date")
            return _("Certified until %(date)s") % {"date": _day(award.valid_until, city)}
        case Stage.RENEWAL_DUE:
            return _("Renewal due by %(date)s") % {
                "date": _day(award.valid_until if award else None, city)
            }
        case Stage.EXPIRED:
            return _("Expired")


def sentence(found: Standing, city: Any) -> str:
    """Where the city stands, in one plain sentence."""
    a, award, name, progress = found.assessment, found.award, city.name, found.progress
    until = _day(award.valid_until if award else None, city)
    match found.stage:
        case Stage.DRAFT:
            if progress is None:
                return _("%(city)s has not started an assessment yet.") % {"city": name}
            return _(
                "The assessment of %(city)s is in progress: %(answered)s of %(total)s criteria "
                "answered."
            ) % {"city": name, "answered": progress.answered, "total": progress.total}
        case Stage.SUBMITTED:
            return _(
                "%(city)s submitted its assessment on %(date)s; the certification team will "
                "assign reviewers."
            ) % {"city": name, "date": _day(a.submitted_at if a else None, city)}
        case Stage.IN_REVIEW:
            return _("Reviewers are validating the claims of %(city)s.") % {"city": name}
        case Stage.CLARIFICATION:
            if found.clarification_due is None:
                return _("The reviewers asked %(city)s to clarify some answers.") % {"city": name}
            return _("The reviewers asked %(city)s to clarify some answers by %(date)s.") % {
                "city": name,
                "date": _day(found.clarification_due, city),
            }
        case Stage.DECIDED:
            decided = _day(found.decision.decided_at if found.decision else None, city)
            if a is not None and a.state == State.APPEALED:
                return _("The decision of %(date)s on %(city)s is under appeal.") % {
                    "city": name,
                    "date": decided,
                }
            return _(
                "The certification team decided on %(date)s; the decision is made public "
                "only if %(city)s is certified."
            ) % {"city": name, "date": decided}
        case Stage.CERTIFIED:
            if award is None or award.valid_until is None:
                return _("%(city)s is certified, with no end date.") % {"city": name}
            return _("%(city)s is certified until %(date)s.") % {"city": name, "date": until}
        case Stage.RENEWAL_DUE:
            return _(
                "The certification of %(city)s ends on %(date)s: re-certify before then to keep it."
            ) % {"city": name, "date": until}
        case Stage.EXPIRED:
            return _("The certification of %(city)s ended on %(date)s.") % {
                "city": name,
                "date": until,
            }


def role_of(access: Any) -> str:
    """The viewer's part in the next step: the lead, a contributor, or a reader (a coach, an
    admin)."""
    if access.can(Action.MANAGE_ASSESSMENT):
        return "lead"
    if CONTRIBUTOR in access.relations:
        return "contributor"
    return "reader"


def _draft_step(progress: queries.Progress, role: str, user_id: int | None, slug: str) -> NextStep:
    """What to do on an assessment in progress."""
    overview = reverse("assessments:overview", args=[slug])
    if role == "lead":
        if progress.unanswered:
            return NextStep(
                ngettext(
                    "Answer %(count)s more criterion",
                    "Answer %(count)s more criteria",
                    progress.unanswered,
                )
                % {"count": progress.unanswered},
                overview,
            )
        if progress.carried_forward:
            return NextStep(
                ngettext(
                    "Confirm %(count)s answer carried forward from your last assessment",
                    "Confirm %(count)s answers carried forward from your last assessment",
                    progress.carried_forward,
                )
                % {"count": progress.carried_forward},
                overview,
            )
        return NextStep(
            _("Check and submit the assessment"), reverse("assessments:submit", args=[slug])
        )
    if role == "contributor":
        mine = progress.unanswered_by(user_id)
        if mine:
            return NextStep(
                ngettext(
                    "Answer the %(count)s criterion assigned to you",
                    "Answer the %(count)s criteria assigned to you",
                    mine,
                )
                % {"count": mine},
                reverse("assessments:mine", args=[slug]),
            )
        return NextStep(
            _("Every criterion assigned to you is answered; ask your lead what else to do.")
        )
    return NextStep(
        ngettext(
            "Follow the assessment: %(count)s criterion left to answer",
            "Follow the assessment: %(count)s criteria left to answer",
            progress.unanswered,
        )
        % {"count": progress.unanswered},
        overview,
    )


def next_step(found: Standing, role: str, user_id: int | None, city: Any) -> NextStep:
    """The one call to action for this person at this stage."""
    slug = city.slug
    overview = reverse("assessments:overview", args=[slug])
    due = _day(found.clarification_due, city)
    until = _day(found.award.valid_until if found.award else None, city)
    lead = role == "lead"
    match found.stage:
        case Stage.SUBMITTED:
            if lead:
                return NextStep(
                    _(
                        "Nothing to do until the review starts; to change an answer, withdraw "
                        "the submission"
                    ),
                    overview,
                )
            return NextStep(_("Nothing to do until the review starts."))
        case Stage.IN_REVIEW:
            return NextStep(
                _("Nothing to do now: the team is told by email if the reviewers have a question.")
            )
        case Stage.CLARIFICATION:
            if not due:  # a round is always asked with a date; never a sentence without one
                return NextStep(_("Read the clarification requests"), overview)
            if role == "reader":
                text = _("The team must answer the clarification requests by %(date)s")
            elif lead:
                text = _("Answer the clarification requests by %(date)s")
            else:
                text = _("Help your lead answer the clarification requests by %(date)s")
            return NextStep(text % {"date": due}, overview)
        case Stage.DECIDED:
            return NextStep(_("Read the decision and its reasons"), overview)
        case _ if found.open_draft and found.progress is not None:
            return _draft_step(found.progress, role, user_id, slug)
        case Stage.CERTIFIED:
            return NextStep(
                _("Read the report and the roadmap to the next level"),
                reverse("reports:index", args=[slug]),
            )
        case Stage.RENEWAL_DUE:
            if lead:
                return NextStep(
                    _("Start your re-certification before %(date)s") % {"date": until}, overview
                )
            return NextStep(
                _("The lead of the team starts the re-certification, due by %(date)s.")
                % {"date": until}
            )
        case Stage.EXPIRED:
            if lead:
                return NextStep(_("Start a new assessment to be certified again"), overview)
            return NextStep(
                _("The lead of the team can start a new assessment to be certified again.")
            )
        case _:
            if lead:
                return NextStep(_("Start the assessment"), overview)
            return NextStep(_("The lead of the team starts the assessment."))


def dates(found: Standing) -> list[tuple[str, dt.date | dt.datetime]]:
    """The dates that matter, in the order they come, each with what happened on it."""
    a, award = found.assessment, found.award
    pairs: list[tuple[str, dt.date | dt.datetime | None]] = [
        (_("Started"), a.created_at if a else None),
        (_("Submitted"), a.submitted_at if a else None),
        (_("Clarification due"), found.clarification_due),
        (_("Decided"), found.decision.decided_at if found.decision else None),
        (_("Certified on"), award.awarded_on if award else None),
        (_("Valid until"), award.valid_until if award else None),
        (_("Renewal window opens"), found.renewal_opens),
    ]
    return [(label, value) for label, value in pairs if value is not None]


def city_home(request: HttpRequest, access: Any, city: Any) -> Section | None:
    """The section for the city's own people and admins (not its reviewers)."""
    if not access.relations:
        return None
    found = standing(city, timezone.localdate())
    return Section(
        "reviews/_city_standing.html",
        {
            "standing": found,
            "stage": str(found.stage),
            "headline": headline(found, city),
            "sentence": sentence(found, city),
            "next": next_step(found, role_of(access), access.user.pk, city),
            "progress": found.progress,
            "dates": dates(found),
            "steps": _steps(found.step),
            "step": found.step,
        },
        order=10,
    )


def _steps(current: int) -> list[tuple[str, str]]:
    """The step indicator's segments: (label, "complete" / "current" / "")."""
    labels = [_("Draft"), _("Submitted"), _("In review"), _("Decided"), _("Certified")]
    return [
        (label, "complete" if i < current else "current" if i == current else "")
        for i, label in enumerate(labels, start=1)
    ]
