"""The certification team's work on a submitted assessment: assigning reviewers (who declare any
conflict of interest first), validating each claimed criterion, settling disagreements, asking
for clarifications, and deciding. Each step is one function that checks it is allowed; the
audit trail records it. The assessment's own states change only through
`citycert.assessments.workflow`, and what the review found of each claim is handed to the
assessment through `assessments.services.record_findings`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citycert.accounts.models import Membership, ProgramRole, User
from citycert.accounts.notifications import notify
from citycert.assessments import scores, workflow
from citycert.assessments import services as assessment_services
from citycert.assessments.models import Answer, Assessment
from citycert.cities.models import City
from citycert.scoring import plan_to_level
from citycert.standards.models import Level
from citycert.standards.queries import scoring_spec

from . import rules
from .history import LABEL, announce
from .models import (
    Assignment,
    Certification,
    Clarification,
    Cohort,
    Conflict,
    Decision,
    Interaction,
    Validation,
    cohort_key,
)

REVIEWERS_PER_ASSESSMENT = 2


class ReviewError(Exception):
    """A step the program's rules do not allow; the message says why, in plain words."""


def team_of(city: City) -> list[User]:
    """Everyone on the city's team (leads first)."""
    return [
        m.user
        for m in city.memberships.select_related("user").order_by("-role", "user__email")
        if m.user.is_active
    ]


def leads_of(city: City) -> list[User]:
    return [
        m.user
        for m in city.memberships.filter(role=Membership.Role.LEAD).select_related("user")
        if m.user.is_active
    ]


def known_conflict(reviewer: User, city: City) -> Conflict | None:
    """A conflict of interest the reviewer declared with the city before, if any."""
    return Conflict.objects.filter(reviewer=reviewer, city=city).first()


def _require_reviewer(reviewer: User, city: City) -> None:
    if not reviewer.program_roles.filter(role=ProgramRole.Role.REVIEWER).exists():
        raise ReviewError(_("%(person)s is not a reviewer.") % {"person": reviewer})
    conflict = known_conflict(reviewer, city)
    if conflict is not None:
        raise ReviewError(
            _("%(person)s declared a conflict of interest with %(city)s on %(date)s.")
            % {"person": reviewer, "city": city.name, "date": conflict.declared_at.date()}
        )


@transaction.atomic
def assign_reviewer(assessment: Assessment, reviewer: User, by: User) -> Assignment:
    """Give a submitted assessment to a reviewer; the first assignment starts the review. The
    same reviewer may review the city again in a later cycle."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("city")
        .get(pk=assessment.pk)
    )
    if assessment.state not in Assessment.REVIEW_STATES:
        raise ReviewError(_("Only a submitted assessment can be given to reviewers."))
    _require_reviewer(reviewer, assessment.city)
    current = assessment.assignments.exclude(conflict=True)
    if assessment.assignments.filter(reviewer=reviewer).exists():
        raise ReviewError(_("%(person)s already reviews this assessment.") % {"person": reviewer})
    if current.count() >= REVIEWERS_PER_ASSESSMENT:
        raise ReviewError(_("This assessment already has two reviewers."))
    assignment = Assignment.objects.create(assessment=assessment, reviewer=reviewer, assigned_by=by)
    if assessment.state == Assessment.State.SUBMITTED:
        workflow.begin_review(assessment, by)
    notify(
        "reviewer_assigned",
        [reviewer],
        {"city": assessment.city, "assessment": assessment},
        city=assessment.city,
        link=reverse("reviews:declare", args=[assessment.city.slug]),
    )
    return assignment


@transaction.atomic
def remove_reviewer(assignment: Assignment, by: User) -> None:
    """Take a reviewer off an assessment before they have given any verdict."""
    if Validation.objects.filter(
        answer__assessment_id=assignment.assessment_id, reviewer_id=assignment.reviewer_id
    ).exists():
        raise ReviewError(
            _("%(person)s has given verdicts on this assessment and stays on its record.")
            % {"person": assignment.reviewer}
        )
    if assignment.assessment.state not in Assessment.REVIEW_STATES:
        raise ReviewError(_("The review of this assessment is over."))
    assignment.delete()


@transaction.atomic
def declare(assignment: Assignment, *, conflict: bool, note: str) -> Assignment:
    """The reviewer's declaration; a conflict ends their access, stays on record, and keeps
    them from the city's later assessments."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.conflict is not None:
        raise ReviewError(_("You have already made your declaration for this city."))
    if conflict and not note.strip():
        raise ReviewError(_("Say briefly what the conflict of interest is."))
    assignment.conflict = conflict
    assignment.conflict_note = note.strip()
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["conflict", "conflict_note", "declared_at"])
    if conflict:
        record_conflict(assignment.reviewer, assignment.assessment.city, note)
    return assignment


def record_conflict(reviewer: User, city: City, note: str) -> Conflict:
    found, _created = Conflict.objects.get_or_create(
        reviewer=reviewer,
        city=city,
        defaults={"note": note.strip(), "declared_at": timezone.now()},
    )
    return found


def assignment_of(reviewer: User, city: City) -> Assignment | None:
    """The reviewer's assignment on the city's assessment they work on: the open review first,
    else the latest they reviewed."""
    mine = Assignment.objects.filter(reviewer=reviewer, assessment__city=city).select_related(
        "assessment__standard", "assessment__outcome_option", "assessment__city"
    )
    return (
        mine.filter(assessment__state__in=Assessment.REVIEW_STATES).first()
        or mine.order_by("-assessment__created_at").first()
    )


def claimed(assessment: Assessment) -> list[Answer]:
    return list(
        assessment.answers.filter(status=Answer.Status.CLAIMED)
        .select_related("criterion")
        .prefetch_related(Prefetch("validations", Validation.objects.select_related("reviewer")))
        .order_by("criterion__position")
    )


@dataclass(frozen=True)
class Standing:
    answer: Answer
    verdicts: tuple[Validation, ...]  # the reviewers' own
    settled: Validation | None

    @property
    def final(self) -> str | None:
        """The verdict that counts: the settled one, or the reviewers' when they agree."""
        if self.settled is not None:
            return self.settled.verdict
        kinds = {v.verdict for v in self.verdicts}
        return kinds.pop() if len(self.verdicts) >= 1 and len(kinds) == 1 else None

    @property
    def finding(self) -> str:
        """What the assessment records of the claim (clarify is not a finding yet)."""
        final = self.final
        return final if final in Answer.Finding.values else Answer.Finding.OPEN

    @property
    def disagreement(self) -> bool:
        return self.settled is None and len({v.verdict for v in self.verdicts}) > 1


def _standing(answer: Answer) -> Standing:
    all_verdicts = list(answer.validations.all())
    settled = next((v for v in all_verdicts if v.settled), None)
    return Standing(answer, tuple(v for v in all_verdicts if not v.settled), settled)


def standings(assessment: Assessment) -> list[Standing]:
    return [_standing(answer) for answer in claimed(assessment)]


def _record_findings(assessment: Assessment, codes: Iterable[str]) -> None:
    """Hand what the verdicts now say of these claims to the assessment."""
    wanted = set(codes)
    findings = {
        s.answer.criterion.code: s.finding
        for s in standings(assessment)
        if s.answer.criterion.code in wanted
    }
    try:
        assessment_services.record_findings(assessment, findings)
    except assessment_services.AssessmentError as exc:
        raise ReviewError(str(exc)) from None


def computed_level(assessment: Assessment) -> tuple[str | None, int]:
    """The engine's level on the criteria the review found validated, and their count."""
    result = scores.score(assessment, scores.Basis.VALIDATED)
    return result.level, result.points


@transaction.atomic
def validate(
    assessment: Assessment, reviewer: User, verdicts: Mapping[str, tuple[str, str]]
) -> int:
    """Record a reviewer's verdicts (criterion code -> (verdict, comment))."""
    assessment = Assessment.objects.get(pk=assessment.pk)
    if assessment.state not in Assessment.VALIDATION_STATES:
        raise ReviewError(_("This assessment is not in review."))
    answers = {a.criterion.code: a for a in claimed(assessment)}
    unknown = sorted(set(verdicts) - set(answers))
    if unknown:
        raise ReviewError(_("Not claimed by the city: %(codes)s") % {"codes": ", ".join(unknown)})
    for code, (verdict, comment) in verdicts.items():
        if verdict not in Validation.Verdict.values:
            raise ReviewError(_("Choose a verdict for %(code)s.") % {"code": code})
        Validation.objects.update_or_create(
            answer=answers[code],
            reviewer=reviewer,
            settled=False,
            defaults={"verdict": verdict, "comment": comment.strip()},
        )
    _record_findings(assessment, verdicts)
    return len(verdicts)


@transaction.atomic
def settle(answer: Answer, verdict: str, by: User, comment: str = "") -> Validation:
    """A program admin settles the reviewers' disagreement on one criterion, while the
    assessment is in review."""
    if verdict not in Validation.Verdict.values:
        raise ReviewError(_("Choose a verdict."))
    assessment = answer.assessment
    if assessment.state not in Assessment.VALIDATION_STATES:
        raise ReviewError(_("This assessment is not in review."))
    if answer.status != Answer.Status.CLAIMED:
        raise ReviewError(_("Not claimed by the city: %(codes)s") % {"codes": answer.criterion})
    settled, _created = Validation.objects.update_or_create(
        answer=answer,
        settled=True,
        defaults={"reviewer": by, "verdict": verdict, "comment": comment.strip()},
    )
    _record_findings(assessment, [answer.criterion.code])
    return settled


def announcement_labels(today: dt.date | None = None, count: int = 3) -> list[str]:
    """The labels of the next `count` announcements on or after `today`, in the months the
    program announces (settings.ANNOUNCEMENT_MONTHS)."""
    today = today or timezone.localdate()
    months = sorted({m for m in settings.ANNOUNCEMENT_MONTHS if 1 <= m <= 12}) or [today.month]
    labels: list[str] = []
    year = today.year
    while len(labels) < count:
        labels += [f"{year}-{m:02d}" for m in months if (year, m) >= (today.year, today.month)]
        year += 1
    return labels[:count]


def next_cohort_label(today: dt.date | None = None) -> str:
    """The label a decision made `today` belongs to: the next announcement."""
    return announcement_labels(today, 1)[0]


def cohort_label_refusal(label: str, reason: str, today: dt.date | None = None) -> str | None:
    """Why a decision may not take this cohort label, or None: a label other than the next
    announcement after `today` needs a reason (the audit trail keeps it)."""
    expected = next_cohort_label(today)
    if label == expected or reason.strip():
        return None
    return _(
        "A decision made today is announced in cohort %(expected)s. To use %(label)s, "
        "say why it is announced there."
    ) % {"expected": expected, "label": label}


def cohort_choices(today: dt.date | None = None) -> list[str]:
    """The labels a decision may take: the next announcements and any other cohort still in
    preparation, in order."""
    pending = Cohort.objects.filter(published_at__isnull=True).values_list("label", flat=True)
    return sorted({*announcement_labels(today), *pending}, key=cohort_key)


def current_award(city: City) -> Certification | None:
    """The city's latest published, current award (not a "not re-certified" record)."""
    awards = (
        Certification.objects.filter(city=city, published_at__isnull=False, superseded_by=None)
        .exclude(event=Certification.Event.NOT_RECERTIFIED)
        .select_related("cohort")
    )
    return max(awards, key=lambda c: cohort_key(c.cohort.label), default=None)


@transaction.atomic
def decide(
    assessment: Assessment,
    *,
    level: str,
    rationale: str,
    difference_reason: str,
    cohort_label: str,
    by: User,
    cohort_reason: str = "",
) -> Decision:
    """Record the final decision. A level becomes a certification in the (unpublished) cohort,
    announced when the cohort is published. A not-certified decision on a city that was
    certified before becomes a "not re-certified" record in that cohort. The city is told,
    and may appeal within the version's appeal window. `cohort_reason` says why the decision
    takes a label other than the next announcement; the audit trail keeps it with the
    decision."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("city", "standard", "outcome_option")
        .get(pk=assessment.pk)
    )
    if not workflow.allowed(assessment, "close"):
        raise ReviewError(_("Only an assessment in review can be decided."))
    if level and level not in Level.values:
        raise ReviewError(_("Choose a level, or not certified."))
    if not rationale.strip():
        raise ReviewError(_("Give the rationale for the decision."))
    result = scores.score(assessment, scores.Basis.VALIDATED)
    computed = result.level
    if (level or None) != computed and not difference_reason.strip():
        raise ReviewError(
            _("The decision differs from the computed level (%(computed)s): say why.")
            % {"computed": computed or _("not certified")}
        )
    if not LABEL.match(cohort_label):
        raise ReviewError(_("Give the cohort as a year and month, for example 2026-06."))
    cohort, _created = Cohort.objects.get_or_create(label=cohort_label)
    if cohort.published_at is not None:
        raise ReviewError(
            _("Cohort %(label)s is already published; choose another.") % {"label": cohort_label}
        )
    if Certification.objects.filter(
        city=assessment.city, cohort=cohort, supersedes__isnull=True
    ).exists():
        raise ReviewError(
            _("%(city)s already has a decision in cohort %(label)s; choose another.")
            % {"city": assessment.city.name, "label": cohort_label}
        )
    answers = scores.answers_of([assessment], scores.Basis.VALIDATED)[assessment.pk]
    plan = plan_to_level(scoring_spec(assessment.standard), answers, "silver")
    certification = None
    if level:
        certification = Certification.objects.create(
            city=assessment.city,
            cohort=cohort,
            standard=assessment.standard,
            level=level,
            source=_("Decision of the certification team"),
        )
    elif current_award(assessment.city) is not None:
        certification = Certification.objects.create(
            city=assessment.city,
            cohort=cohort,
            standard=assessment.standard,
            level="",
            event=Certification.Event.NOT_RECERTIFIED,
            event_given=True,
            source=_("Decision of the certification team"),
        )
    window = rules.for_standard(assessment.standard).appeal_window_days
    decision = Decision(
        assessment=assessment,
        cohort=cohort,
        silver_gap=plan.size,
        level=level,
        computed_level=computed or "",
        rationale=rationale.strip(),
        difference_reason=difference_reason.strip(),
        certification=certification,
        appeal_until=timezone.localdate() + dt.timedelta(days=window),
        decided_by=by,
    )
    decision.cohort_reason = cohort_reason.strip()
    decision.save()
    workflow.close(assessment, by)
    notify(
        "decision_recorded",
        team_of(assessment.city),
        {"city": assessment.city, "decision": decision, "cohort": cohort},
        city=assessment.city,
        link=reverse("assessments:overview", args=[assessment.city.slug]),
    )
    return decision


@transaction.atomic
def request_clarification(
    assessment: Assessment, codes: list[str], message: str, due_on: dt.date, by: User
) -> Clarification:
    """Ask the city about some criteria by a date: those answers open again to the city until
    it replies, and its team is told by email."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not workflow.allowed(assessment, "reopen"):
        raise ReviewError(_("Clarifications can be asked only while the assessment is in review."))
    criteria = list(assessment.standard.criteria.filter(code__in=codes))
    if not criteria or len(criteria) != len(set(codes)):
        raise ReviewError(_("Choose the criteria the question is about."))
    if not message.strip():
        raise ReviewError(_("Say what is unclear."))
    if due_on <= timezone.localdate():
        raise ReviewError(_("The due date must be in the future."))
    clarification = Clarification.objects.create(
        assessment=assessment, message=message.strip(), due_on=due_on, requested_by=by
    )
    clarification.criteria.set(criteria)
    workflow.reopen(assessment, [c.code for c in criteria], by)
    _notify_city(clarification, "clarification_requested")
    return clarification


def _notify_city(clarification: Clarification, kind: str) -> None:
    city = clarification.assessment.city
    notify(
        kind,
        team_of(city),
        {
            "clarification": clarification,
            "city": city,
            "codes": ", ".join(c.code for c in clarification.criteria.order_by("position")),
        },
        city=city,
        link=reverse("assessments:overview", args=[city.slug]),
    )


@transaction.atomic
def answer_clarification(clarification: Clarification, reply: str, by: User) -> Clarification:
    """The city says it has answered; the answers it opened lock again (those another open
    round still asks about stay open)."""
    clarification = Clarification.objects.select_for_update().get(pk=clarification.pk)
    if not clarification.is_open:
        raise ReviewError(_("This clarification was already answered."))
    clarification.reply = reply.strip()
    clarification.answered_at = timezone.now()
    clarification.answered_by = by
    clarification.save(update_fields=["reply", "answered_at", "answered_by"])
    assessment = clarification.assessment
    still_asked = set(
        Clarification.objects.filter(assessment=assessment, answered_at__isnull=True).values_list(
            "criteria__code", flat=True
        )
    )
    codes = [c.code for c in clarification.criteria.all() if c.code not in still_asked]
    if workflow.allowed(assessment, "relock"):
        workflow.relock(assessment, codes, by)
    requester = clarification.requested_by
    if requester is not None:
        notify(
            "clarification_answered",
            [requester],
            {"clarification": clarification, "city": assessment.city},
            city=assessment.city,
            link=reverse("reviews:decide", args=[assessment.pk]),
        )
    return clarification


def send_reminders(today: dt.date | None = None, days_before: int = 2) -> int:
    """Remind cities of open clarifications due within `days_before` days, once each."""
    today = today or timezone.localdate()
    due = Clarification.objects.filter(
        answered_at__isnull=True,
        reminded_at__isnull=True,
        due_on__lte=today + dt.timedelta(days=days_before),
        assessment__state=Assessment.State.CLARIFICATION,
    ).select_related("assessment__city")
    count = 0
    for clarification in due:
        with transaction.atomic():
            _notify_city(clarification, "clarification_reminder")
            clarification.reminded_at = timezone.now()
            clarification.save(update_fields=["reminded_at"])
        count += 1
    return count


@transaction.atomic
def record_interaction(
    assessment: Assessment,
    *,
    kind: str,
    held_on: dt.date,
    place: str,
    people_met: str,
    notes: str,
    codes: list[str],
    by: User,
) -> Interaction:
    """Record a validation interview or a site visit and the criteria it informed."""
    if kind not in Interaction.Kind.values:
        raise ReviewError(_("Choose an interview or a visit."))
    if not people_met.strip():
        raise ReviewError(_("Say who you met."))
    if held_on > timezone.localdate():
        raise ReviewError(_("Record an interview or visit once it has taken place."))
    interaction = Interaction.objects.create(
        assessment=assessment,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        people_met=people_met.strip(),
        notes=notes.strip(),
        recorded_by=by,
    )
    interaction.criteria.set(assessment.standard.criteria.filter(code__in=codes))
    return interaction


@transaction.atomic
def correct(certification: Certification, *, level: str, reason: str, by: User) -> Certification:
    """Correct a published certification: a new published record supersedes it, with the
    reason; the original stays as it was."""
    if certification.published_at is None:
        raise ReviewError(_("Only a published certification is corrected this way."))
    if hasattr(certification, "superseded_by"):
        raise ReviewError(_("This certification was already corrected; correct the newer record."))
    if level not in Level.values:
        raise ReviewError(_("Choose the correct level."))
    if not reason.strip():
        raise ReviewError(_("Say why the certification is corrected."))
    event = certification.event
    if event == Certification.Event.NOT_RECERTIFIED:
        from .history import derive_event, earlier_awards

        event = (
            derive_event(
                earlier_awards(certification.city_id, certification.cohort.sort_key), level
            )
            or Certification.Event.RECERTIFIED
        )
    valid_until = certification.valid_until
    if not certification.is_award:  # a level where there was none: its own term starts today
        valid_until = rules.for_standard(certification.standard).valid_until(
            certification.awarded_on or timezone.localdate()
        )
    corrected = Certification.objects.create(
        city=certification.city,
        cohort=certification.cohort,
        standard=certification.standard,
        level=level,
        event=event,
        event_given=certification.event_given,
        source=certification.source,
        supersedes=certification,
        correction_reason=reason.strip(),
        awarded_on=certification.awarded_on,
        valid_until=valid_until,
        published_at=timezone.now(),
    )
    announce([certification.city_id])
    return corrected
