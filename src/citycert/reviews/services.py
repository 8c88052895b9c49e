"""The certification team's work on a submitted assessment: assigning reviewers (who declare any
conflict of interest first), validating each claimed criterion, settling disagreements, and
deciding. Each step is one function that checks it is allowed; the audit trail records it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citycert.accounts import emails
from citycert.accounts.models import ProgramRole, User
from citycert.assessments.models import Answer, Assessment
from citycert.scoring import CriterionAnswer, ScoreResult, plan_to_level, score
from citycert.standards.models import Level
from citycert.standards.queries import scoring_spec

from .history import LABEL, announce
from .models import (
    Assignment,
    Certification,
    Clarification,
    Cohort,
    Decision,
    Interaction,
    Validation,
)

REVIEWERS_PER_ASSESSMENT = 2


class ReviewError(Exception):
    """A step the program's rules do not allow; the message says why, in plain words."""


@transaction.atomic
def assign_reviewer(assessment: Assessment, reviewer: User, by: User) -> Assignment:
    """Give a submitted assessment to a reviewer; the first assignment starts the review."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state not in (Assessment.State.SUBMITTED, Assessment.State.IN_REVIEW):
        raise ReviewError(_("Only a submitted assessment can be given to reviewers."))
    if not reviewer.program_roles.filter(role=ProgramRole.Role.REVIEWER).exists():
        raise ReviewError(_("%(person)s is not a reviewer.") % {"person": reviewer})
    current = assessment.reviews.exclude(conflict=True)
    if current.filter(reviewer=reviewer).exists():
        raise ReviewError(_("%(person)s already reviews this assessment.") % {"person": reviewer})
    if current.count() >= REVIEWERS_PER_ASSESSMENT:
        raise ReviewError(_("This assessment already has two reviewers."))
    assignment = Assignment.objects.create(
        city=assessment.city, assessment=assessment, reviewer=reviewer, assigned_by=by
    )
    if assessment.state == Assessment.State.SUBMITTED:
        assessment.state = Assessment.State.IN_REVIEW
        assessment.save(update_fields=["state"])
    return assignment


@transaction.atomic
def declare(assignment: Assignment, *, conflict: bool, note: str) -> Assignment:
    """The reviewer's declaration; a conflict ends their access and stays on record."""
    if assignment.conflict is not None:
        raise ReviewError(_("You have already made your declaration for this city."))
    if conflict and not note.strip():
        raise ReviewError(_("Say briefly what the conflict of interest is."))
    assignment.conflict = conflict
    assignment.conflict_note = note.strip()
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["conflict", "conflict_note", "declared_at"])
    return assignment


def claimed(assessment: Assessment) -> list[Answer]:
    return list(
        assessment.answers.filter(status=Answer.Status.CLAIMED)
        .select_related("criterion")
        .prefetch_related("validations")
        .order_by("criterion__position")
    )


@transaction.atomic
def validate(
    assessment: Assessment, reviewer: User, verdicts: Mapping[str, tuple[str, str]]
) -> int:
    """Record a reviewer's verdicts (criterion code -> (verdict, comment))."""
    assessment = Assessment.objects.get(pk=assessment.pk)
    if assessment.state != Assessment.State.IN_REVIEW:
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
    return len(verdicts)


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
    def disagreement(self) -> bool:
        return self.settled is None and len({v.verdict for v in self.verdicts}) > 1


def standings(assessment: Assessment) -> list[Standing]:
    result = []
    for answer in claimed(assessment):
        all_verdicts = list(answer.validations.all())
        settled = next((v for v in all_verdicts if v.settled), None)
        result.append(Standing(answer, tuple(v for v in all_verdicts if not v.settled), settled))
    return result


def computed_level(assessment: Assessment) -> tuple[str | None, int]:
    """The engine's level on the criteria whose final verdict is 'validated', and their count."""
    result = validated_score(assessment)
    return result.level, result.points


def validated_answers(assessment: Assessment) -> dict[str, CriterionAnswer]:
    """The claimed answers whose final verdict is 'validated', as the engine takes them."""
    return validated_answers_of([assessment])[assessment.pk]


def validated_answers_of(
    assessments: Iterable[Assessment],
) -> dict[int, dict[str, CriterionAnswer]]:
    """`validated_answers` for several assessments at once (in two queries)."""
    ids = [a.pk for a in assessments]
    found: dict[int, dict[str, CriterionAnswer]] = {pk: {} for pk in ids}
    answers = (
        Answer.objects.filter(assessment_id__in=ids, status=Answer.Status.CLAIMED)
        .select_related("criterion")
        .prefetch_related("validations")
    )
    for answer in answers:
        verdicts = list(answer.validations.all())
        settled = next((v for v in verdicts if v.settled), None)
        standing = Standing(answer, tuple(v for v in verdicts if not v.settled), settled)
        if standing.final == Validation.Verdict.VALIDATED:
            found[answer.assessment_id][answer.criterion.code] = CriterionAnswer(
                frozenset(answer.items)
            )
    return found


def validated_score(assessment: Assessment) -> ScoreResult:
    outcome = [assessment.outcome_option.code] if assessment.outcome_option else []
    return score(scoring_spec(assessment.standard), validated_answers(assessment), outcome)


@transaction.atomic
def settle(answer: Answer, verdict: str, by: User, comment: str = "") -> Validation:
    """A program admin settles the reviewers' disagreement on one criterion."""
    if verdict not in Validation.Verdict.values:
        raise ReviewError(_("Choose a verdict."))
    settled, _created = Validation.objects.update_or_create(
        answer=answer,
        settled=True,
        defaults={"reviewer": by, "verdict": verdict, "comment": comment},
    )
    return settled


@transaction.atomic
def decide(
    assessment: Assessment,
    *,
    level: str,
    rationale: str,
    difference_reason: str,
    cohort_label: str,
    by: User,
) -> Decision:
    """Record the final decision. A level becomes a certification in the (unpublished) cohort,
    announced when the cohort is published."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state != Assessment.State.IN_REVIEW:
        raise ReviewError(_("Only an assessment in review can be decided."))
    if not rationale.strip():
        raise ReviewError(_("Give the rationale for the decision."))
    result = validated_score(assessment)
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
    plan = plan_to_level(scoring_spec(assessment.standard), validated_answers(assessment), "silver")
    certification = None
    if level:
        certification = Certification.objects.create(
            city=assessment.city,
            cohort=cohort,
            standard=assessment.standard,
            level=level,
            source=_("Decision of the certification team"),
        )
    decision = Decision.objects.create(
        assessment=assessment,
        cohort=cohort,
        silver_gap=plan.size,
        level=level,
        computed_level=computed or "",
        rationale=rationale.strip(),
        difference_reason=difference_reason.strip(),
        certification=certification,
        decided_by=by,
    )
    assessment.state = Assessment.State.DECIDED
    assessment.save(update_fields=["state"])
    return decision


@transaction.atomic
def request_clarification(
    assessment: Assessment, codes: list[str], message: str, due_on: dt.date, by: User
) -> Clarification:
    """Ask the city about some criteria by a date; the team is told by email."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state != Assessment.State.IN_REVIEW:
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
    transaction.on_commit(lambda: _notify_city(clarification, "clarification_requested"))
    return clarification


def _notify_city(clarification: Clarification, template: str) -> None:
    team = clarification.assessment.city.memberships.select_related("user")
    emails.send(
        template,
        [m.user.email for m in team],
        {
            "clarification": clarification,
            "city": clarification.assessment.city,
            "codes": ", ".join(c.code for c in clarification.criteria.order_by("position")),
            "link": emails.absolute(
                reverse("assessments:overview", args=[clarification.assessment.city.slug])
            ),
        },
    )


@transaction.atomic
def answer_clarification(clarification: Clarification, reply: str, by: User) -> Clarification:
    """The city says it has answered; the changed answers are locked again."""
    if not clarification.is_open:
        raise ReviewError(_("This clarification was already answered."))
    clarification.reply = reply.strip()
    clarification.answered_at = timezone.now()
    clarification.answered_by = by
    clarification.save(update_fields=["reply", "answered_at", "answered_by"])
    requester = clarification.requested_by
    if requester is not None:
        transaction.on_commit(
            lambda: emails.send(
                "clarification_answered",
                [requester.email],
                {
                    "clarification": clarification,
                    "city": clarification.assessment.city,
                    "link": emails.absolute(
                        reverse("reviews:decide", args=[clarification.assessment_id])
                    ),
                },
            )
        )
    return clarification


def send_reminders(today: dt.date | None = None, days_before: int = 2) -> int:
    """Remind cities of open clarifications due within `days_before` days, once each."""
    today = today or timezone.localdate()
    due = Clarification.objects.filter(
        answered_at__isnull=True,
        reminded_at__isnull=True,
        due_on__lte=today + dt.timedelta(days=days_before),
    ).select_related("assessment__city")
    count = 0
    for clarification in due:
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
    corrected = Certification.objects.create(
        city=certification.city,
        cohort=certification.cohort,
        standard=certification.standard,
        level=level,
        event=certification.event,
        event_given=certification.event_given,
        source=certification.source,
        supersedes=certification,
        correction_reason=reason.strip(),
        published_at=timezone.now(),
    )
    announce([certification.city_id])
    return corrected
