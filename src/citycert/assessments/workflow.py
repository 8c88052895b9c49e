"""The assessment's states and the transitions between them: one table, one way through it.

    draft ──submit──▶ submitted ──begin_review──▶ in review ──close──▶ decided
      ▲                  │                          │   ▲                 │   ▲
      └────withdraw──────┘                   reopen │   │ relock   appeal │   │ settle_appeal
                                                    ▼   │                 ▼   │
                                                 clarification          under appeal

`reopen` opens named answers to the city again for a clarification round, `relock` closes
them (the round is answered); the state is "clarification" while any answer is open. A
decision can also be recorded during a round (`close` from "clarification"): the open answers
lock. `appeal` and `settle_appeal` bracket an appeal against the decision.

Every transition goes through `apply`, which locks the row, checks the table, writes the new
state, records a `StateChange` (who, when, from, to) and sends `transitioned` once the
transaction commits. The certification team's work (the reviews app) calls these functions;
nothing here knows about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Answer, Assessment, StateChange
from .signals import transitioned

State = Assessment.State


class TransitionError(Exception):
    """A transition the table does not allow from the assessment's state, said plainly."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str


def _t(name: str, sources: Iterable[str], target: str) -> Transition:
    return Transition(name, frozenset(sources), target)


#: Every transition an assessment can make. Nothing else changes `Assessment.state`.
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("submit", [State.DRAFT], State.SUBMITTED),
        _t("withdraw", [State.SUBMITTED], State.DRAFT),
        _t("begin_review", [State.SUBMITTED], State.IN_REVIEW),
        _t("reopen", [State.IN_REVIEW, State.CLARIFICATION], State.CLARIFICATION),
        _t("relock", [State.CLARIFICATION], State.IN_REVIEW),
        _t("close", [State.IN_REVIEW, State.CLARIFICATION], State.DECIDED),
        _t("appeal", [State.DECIDED], State.APPEALED),
        _t("settle_appeal", [State.APPEALED], State.DECIDED),
    )
}

#: What the person is told when a transition is refused, by transition.
_REFUSALS = {
    "submit": lambda: _("This assessment was already submitted."),
    "withdraw": lambda: _(
        "Only a submitted assessment whose review has not started can be withdrawn."
    ),
    "begin_review": lambda: _("Only a submitted assessment can be given to reviewers."),
    "reopen": lambda: _("Clarifications can be asked only while the assessment is in review."),
    "relock": lambda: _("No answer of this assessment is open for a clarification."),
    "close": lambda: _("Only an assessment in review can be decided."),
    "appeal": lambda: _("Only a decided assessment can be appealed, once."),
    "settle_appeal": lambda: _("This assessment is not under appeal."),
}


def allowed(assessment: Assessment, name: str) -> bool:
    """Whether the table allows transition `name` from the assessment's current state."""
    return assessment.state in TRANSITIONS[name].sources


@transaction.atomic
def apply(
    assessment: Assessment, name: str, by: Any, *, note: str = "", target: str | None = None
) -> Assessment:
    """Make transition `name` (to `target` when the transition may end in either of two
    states, as relock does), record it, and return the assessment as it now is."""
    transition = TRANSITIONS[name]
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.state not in transition.sources:
        raise TransitionError(_REFUSALS[name]())
    source, locked.state = locked.state, target or transition.target
    fields = ["state"]
    if name == "submit":
        locked.submitted_at, locked.submitted_by = timezone.now(), by
        fields += ["submitted_at", "submitted_by"]
    elif name == "withdraw":
        locked.submitted_at, locked.submitted_by = None, None
        fields += ["submitted_at", "submitted_by"]
    locked.save(update_fields=fields)
    StateChange.objects.create(
        assessment=locked,
        transition=name,
        source=source,
        target=locked.state,
        by=by if getattr(by, "pk", None) else None,
        note=note[:300],
    )
    transaction.on_commit(
        lambda: transitioned.send(sender=Assessment, assessment=locked, transition=name, by=by)
    )
    assessment.state = locked.state
    return locked


def begin_review(assessment: Assessment, by: Any) -> Assessment:
    """The first reviewer is assigned: the city can no longer withdraw."""
    return apply(assessment, "begin_review", by)


@transaction.atomic
def reopen(assessment: Assessment, codes: Iterable[str], by: Any) -> Assessment:
    """Open the answers of the criteria `codes` to the city again (a clarification round)."""
    assessment = apply(assessment, "reopen", by, note=", ".join(sorted(codes)))
    Answer.objects.filter(assessment=assessment, criterion__code__in=list(codes)).update(
        reopened=True
    )
    return assessment


@transaction.atomic
def relock(assessment: Assessment, codes: Iterable[str], by: Any) -> Assessment:
    """Close the answers of `codes` again; back in review once no answer is open."""
    Answer.objects.filter(assessment=assessment, criterion__code__in=list(codes)).update(
        reopened=False
    )
    still_open = Answer.objects.filter(assessment=assessment, reopened=True).exists()
    return apply(
        assessment,
        "relock",
        by,
        note=", ".join(sorted(codes)),
        target=State.CLARIFICATION if still_open else State.IN_REVIEW,
    )


@transaction.atomic
def close(assessment: Assessment, by: Any) -> Assessment:
    """The decision is recorded: every answer locks, and the review's findings now count."""
    assessment = apply(assessment, "close", by)
    Answer.objects.filter(assessment=assessment, reopened=True).update(reopened=False)
    return assessment


def appeal(assessment: Assessment, by: Any) -> Assessment:
    return apply(assessment, "appeal", by)


def settle_appeal(assessment: Assessment, by: Any) -> Assessment:
    return apply(assessment, "settle_appeal", by)
