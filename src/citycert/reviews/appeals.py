"""Appeals against decisions.

Within the appeal window of its Standard version (counted from the day the decision was
recorded), a city's lead may appeal, on stated grounds (a factual error, a procedural error,
new evidence), with files. A program admin forms a panel of reviewers who did not review that
assessment; each declares any conflict of interest first, as reviewers do, then recommends an
outcome. The admin records the panel's outcome (upheld, modified, overturned) with its
rationale. Where the level changes, the change reaches the public the way every change does:

- the decision's certification not announced yet (its cohort in preparation, or held back while
  the appeal was open) takes the new level and is announced with its cohort, or at once if the
  cohort is already out;
- a certification already announced is corrected by a superseding record;
- a decision of "not certified" that is overturned gets a certification in its cohort.

While an appeal is open, a decision that would lower the city's public standing is not
published (see `history.publish_cohort`). Everything is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citycert.accounts.models import ProgramRole, User
from citycert.accounts.notifications import notify
from citycert.assessments import evidence_files, workflow
from citycert.assessments.models import Assessment
from citycert.standards.models import Level

from .history import HistoryError, publish_late
from .models import Appeal, AppealFile, Assignment, Certification, Decision, Panelist
from .services import (
    ReviewError,
    correct,
    current_award,
    known_conflict,
    record_conflict,
    team_of,
)

MAX_FILES = 10
PANEL_SIZE = 3


def window_open(decision: Decision) -> bool:
    """Whether the city may still appeal the decision today."""
    return decision.appeal_until is not None and timezone.localdate() <= decision.appeal_until


def appealable(assessment: Assessment) -> Decision | None:
    """The assessment's decision, if the city may appeal it now (decided, within the window,
    not appealed yet)."""
    decision = Decision.objects.filter(assessment=assessment).first()
    if (
        decision is None
        or assessment.state != Assessment.State.DECIDED
        or Appeal.objects.filter(decision=decision).exists()
        or not window_open(decision)
    ):
        return None
    return decision


def _admins() -> list[User]:
    return list(
        User.objects.filter(program_roles__role=ProgramRole.Role.ADMIN, is_active=True).distinct()
    )


@transaction.atomic
def lodge(
    assessment: Assessment,
    *,
    grounds: Iterable[str],
    statement: str,
    files: Iterable[tuple[BinaryIO, str]] = (),
    by: User,
) -> Appeal:
    """The city's lead appeals the decision on its assessment. Files are checked as evidence
    files are; a refused file refuses the whole appeal and leaves nothing behind."""
    assessment = Assessment.objects.select_related("city").get(pk=assessment.pk)
    decision = Decision.objects.filter(assessment=assessment).first()
    if decision is None or assessment.state not in Assessment.DECIDED_STATES:
        raise ReviewError(_("Only a decided assessment can be appealed."))
    if Appeal.objects.filter(decision=decision).exists():
        raise ReviewError(_("This decision was already appealed."))
    if not window_open(decision):
        raise ReviewError(
            _("The appeal window closed on %(date)s.") % {"date": decision.appeal_until}
        )
    chosen = sorted(set(grounds))
    if not chosen or any(g not in Appeal.Ground.values for g in chosen):
        raise ReviewError(_("Choose the grounds of the appeal."))
    if not statement.strip():
        raise ReviewError(_("Say what the appeal is about."))
    files = list(files)
    if len(files) > MAX_FILES:
        raise ReviewError(_("Give at most %(n)s files.") % {"n": MAX_FILES})
    appeal = Appeal.objects.create(
        assessment=assessment,
        decision=decision,
        grounds=chosen,
        statement=statement.strip(),
        lodged_by=by,
    )
    stored: list[AppealFile] = []
    try:
        for stream, name in files:
            stored.append(_store(appeal, stream, name, by))
    except Exception:
        for item in stored:  # no orphan file when the appeal is refused
            item.file.delete(save=False)
        raise
    workflow.appeal(assessment, by)
    context = {"city": assessment.city, "appeal": appeal, "decision": decision}
    notify(
        "appeal_received",
        [*team_of(assessment.city), *_admins()],
        context,
        city=assessment.city,
        link=reverse("reviews:appeal", args=[assessment.city.slug, appeal.pk]),
    )
    return appeal


@transaction.atomic
def add_file(appeal: Appeal, stream: BinaryIO, original_name: str, by: User) -> AppealFile:
    """Add a supporting file to an open appeal."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    _require_open(appeal)
    if appeal.files.count() >= MAX_FILES:
        raise ReviewError(_("Give at most %(n)s files.") % {"n": MAX_FILES})
    return _store(appeal, stream, original_name, by)


def _store(appeal: Appeal, stream: BinaryIO, original_name: str, by: User) -> AppealFile:
    stored: AppealFile = evidence_files.store(
        AppealFile(appeal=appeal, uploaded_by=by), stream, original_name
    )
    return stored


def _require_open(appeal: Appeal) -> None:
    if not appeal.is_open:
        raise ReviewError(_("This appeal is decided."))


@transaction.atomic
def add_panelist(appeal: Appeal, reviewer: User, by: User) -> Panelist:
    """Seat a reviewer on the appeal's panel: one who did not review the assessment."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("assessment__city")
        .get(pk=appeal.pk)
    )
    _require_open(appeal)
    city = appeal.assessment.city
    if not reviewer.program_roles.filter(role=ProgramRole.Role.REVIEWER).exists():
        raise ReviewError(_("%(person)s is not a reviewer.") % {"person": reviewer})
    if Assignment.objects.filter(assessment=appeal.assessment, reviewer=reviewer).exists():
        raise ReviewError(
            _("%(person)s reviewed this assessment and cannot sit on its appeal panel.")
            % {"person": reviewer}
        )
    conflict = known_conflict(reviewer, city)
    if conflict is not None:
        raise ReviewError(
            _("%(person)s declared a conflict of interest with %(city)s on %(date)s.")
            % {"person": reviewer, "city": city.name, "date": conflict.declared_at.date()}
        )
    if appeal.panel.filter(reviewer=reviewer).exists():
        raise ReviewError(_("%(person)s is already on the panel.") % {"person": reviewer})
    if appeal.panel.exclude(conflict=True).count() >= PANEL_SIZE:
        raise ReviewError(_("The panel already has %(n)s members.") % {"n": PANEL_SIZE})
    seat = Panelist.objects.create(appeal=appeal, reviewer=reviewer, assigned_by=by)
    notify(
        "panelist_assigned",
        [reviewer],
        {"city": city, "appeal": appeal},
        city=city,
        link=reverse("reviews:appeal", args=[city.slug, appeal.pk]),
    )
    return seat


@transaction.atomic
def declare(seat: Panelist, *, conflict: bool, note: str) -> Panelist:
    """A panelist's declaration; a conflict ends their seat and keeps them from the city."""
    seat = (
        Panelist.objects.select_for_update(of=("self",))
        .select_related("appeal__assessment__city")
        .get(pk=seat.pk)
    )
    _require_open(seat.appeal)
    if seat.conflict is not None:
        raise ReviewError(_("You have already made your declaration for this city."))
    if conflict and not note.strip():
        raise ReviewError(_("Say briefly what the conflict of interest is."))
    seat.conflict, seat.conflict_note, seat.declared_at = conflict, note.strip(), timezone.now()
    seat.save(update_fields=["conflict", "conflict_note", "declared_at"])
    if conflict:
        record_conflict(seat.reviewer, seat.appeal.assessment.city, note)
    return seat


def _check_outcome(outcome: str, level: str, decided_level: str) -> None:
    if outcome not in Appeal.Outcome.values:
        raise ReviewError(_("Choose an outcome."))
    if level and level not in Level.values:
        raise ReviewError(_("Choose a level, or not certified."))
    if outcome != Appeal.Outcome.UPHELD and level == decided_level:
        raise ReviewError(
            _("A modified or overturned decision changes the level: choose the new level.")
        )


@transaction.atomic
def recommend(seat: Panelist, *, outcome: str, level: str, comment: str) -> Panelist:
    """A panelist's recommendation (sent again, it replaces the earlier one)."""
    seat = (
        Panelist.objects.select_for_update(of=("self",))
        .select_related("appeal__decision")
        .get(pk=seat.pk)
    )
    _require_open(seat.appeal)
    if seat.conflict is not False:
        raise ReviewError(_("Declare any conflict of interest first."))
    _check_outcome(outcome, level, seat.appeal.decision.level)
    if not comment.strip():
        raise ReviewError(_("Give the reasons for your recommendation."))
    seat.recommendation = outcome
    seat.level = level if outcome != Appeal.Outcome.UPHELD else seat.appeal.decision.level
    seat.comment = comment.strip()
    seat.recommended_at = timezone.now()
    seat.save(update_fields=["recommendation", "level", "comment", "recommended_at"])
    return seat


@transaction.atomic
def decide(appeal: Appeal, *, outcome: str, level: str, rationale: str, by: User) -> Appeal:
    """Record the panel's outcome, with its rationale, and carry it to the certification."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("decision__certification__cohort", "assessment__city")
        .get(pk=appeal.pk)
    )
    _require_open(appeal)
    decided_level = appeal.decision.level
    _check_outcome(outcome, level, decided_level)
    if not appeal.panel.filter(conflict=False).exclude(recommendation="").exists():
        raise ReviewError(
            _("Wait for at least one panelist without a conflict to recommend an outcome.")
        )
    if not rationale.strip():
        raise ReviewError(_("Give the rationale for the outcome."))
    new_level = decided_level if outcome == Appeal.Outcome.UPHELD else level
    appeal.outcome = outcome
    appeal.level = new_level
    appeal.rationale = rationale.strip()
    appeal.decided_by = by
    appeal.decided_at = timezone.now()
    appeal.certification = _carry(appeal, new_level, rationale.strip(), by)
    appeal.save(
        update_fields=["outcome", "level", "rationale", "decided_by", "decided_at", "certification"]
    )
    workflow.settle_appeal(appeal.assessment, by)
    city = appeal.assessment.city
    notify(
        "appeal_decided",
        team_of(city),
        {"city": city, "appeal": appeal},
        city=city,
        link=reverse("reviews:appeal", args=[city.slug, appeal.pk]),
    )
    return appeal


def _carry(appeal: Appeal, level: str, reason: str, by: User) -> Certification | None:
    """The certification after the appeal: published, changed or made as its cohort allows."""
    decision = appeal.decision
    cert = decision.certification
    try:
        if cert is None:
            if not level:
                return None
            if decision.cohort is None:
                raise ReviewError(_("The decision has no cohort to announce it in."))
            cert = Certification.objects.create(
                city=appeal.assessment.city,
                cohort=decision.cohort,
                standard=appeal.assessment.standard,
                level=level,
                source=_("Decision of the certification team, after an appeal"),
            )
            return _release(cert)
        if cert.published_at is not None:
            if cert.level == level:
                return cert
            if not level:
                raise ReviewError(
                    _(
                        "A published certification cannot be withdrawn through an appeal; "
                        "correct it instead."
                    )
                )
            return correct(cert, level=level, reason=reason, by=by)
        if cert.level == level:
            return _release(cert)
        if not level and current_award(appeal.assessment.city) is None:
            # Not certified after all, and never certified before: nothing to announce.
            decision.certification = None
            decision.save(update_fields=["certification"])
            cert.delete()
            return None
        _relevel(cert, level)
        return _release(cert)
    except HistoryError as exc:
        raise ReviewError("; ".join(exc.errors)) from None


def _relevel(cert: Certification, level: str) -> None:
    """Change a certification not published yet to the level the appeal gave."""
    if level:
        cert.level, cert.event, cert.event_given = level, "", False
    else:
        cert.level = ""
        cert.event, cert.event_given = Certification.Event.NOT_RECERTIFIED, True
    cert.save(update_fields=["level", "event", "event_given"])


def _release(cert: Certification) -> Certification:
    """Publish a certification whose cohort is out already (it was held back, or is new);
    otherwise it waits for its cohort."""
    if cert.cohort.published_at is not None and cert.published_at is None:
        return publish_late(cert)
    return cert
