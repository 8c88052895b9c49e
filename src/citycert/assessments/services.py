"""Writes to assessments. State changes go through `workflow` (its table of transitions);
this module adds what the city does: starting, answering, evidence, submitting, withdrawing.

Answers carry a version number: a save based on an older version is refused with the other
person's change, never applied over it. An answer is open to the city while the assessment is
a draft, and during a clarification round that reopened it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citycert.accounts.models import Membership, User
from citycert.accounts.notifications import notify
from citycert.cities.models import City
from citycert.datafiles import load_mapping
from citycert.standards.models import Criterion, OutcomeOption, StandardVersion

from . import evidence_files, workflow
from . import links as link_rules
from .models import Answer, Assessment, Evidence

MAX_LINKS = link_rules.MAX_LINKS


class AssessmentError(Exception):
    """A change the program's rules do not allow; the message says why, in plain words."""


@dataclass
class ConflictError(Exception):
    """Someone else saved this answer since it was opened."""

    current: Answer
    message: str = field(default="")

    def __post_init__(self) -> None:
        who = self.current.updated_by or _("someone else")
        self.message = _(
            "%(who)s saved this answer while you were editing it. Their version is shown "
            "below; your changes were not saved. Review theirs and make your changes again."
        ) % {"who": who}
        super().__init__(self.message)


@dataclass(frozen=True)
class Problem:
    """Something missing before submission, with the page that fixes it."""

    message: str
    url: str


def current_standard() -> StandardVersion:
    version = (
        StandardVersion.objects.filter(open_for_assessments=True)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise AssessmentError(_("No version of the Standard is open for assessments."))
    return version


def open_assessment(city: City) -> Assessment | None:
    """The city's one assessment that is not decided yet (draft, submitted or in review)."""
    return (
        city.assessments.filter(state__in=Assessment.OPEN_STATES)
        .select_related("standard", "outcome_option")
        .first()
    )


def latest_decided(city: City) -> Assessment | None:
    return (
        city.assessments.filter(state__in=Assessment.DECIDED_STATES).order_by("-created_at").first()
    )


@cache
def crosswalk(old: str, new: str) -> dict[str, str]:
    """Which criterion of version `new` each criterion of version `old` carries over to."""
    path = Path(
        str(resources.files("citycert.assessments") / "data" / f"crosswalk-{old}-{new}.yaml")
    )
    if not path.exists():
        return {}
    raw = load_mapping(path.read_text(encoding="utf-8"), path.name, AssessmentError)
    mapping = {str(k): str(v) for k, v in raw.get("map", {}).items()}
    if len(set(mapping.values())) != len(mapping):
        raise AssessmentError(f"{path.name}: a {new} criterion receives two {old} answers")
    return mapping


@transaction.atomic
def start(city: City, by: User, *, carry_forward: bool = True) -> Assessment:
    """Open a new assessment of `city` against the current Standard. With `carry_forward`, the
    answers and evidence of its latest decided assessment come along, each to be confirmed."""
    if open_assessment(city) is not None:
        raise AssessmentError(
            _("%(city)s already has an assessment in progress.") % {"city": city.name}
        )
    standard = current_standard()
    previous = latest_decided(city)
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                city=city,
                standard=standard,
                created_by=by,
                previous=previous if carry_forward else None,
            )
    except IntegrityError:
        raise AssessmentError(
            _("%(city)s already has an assessment in progress.") % {"city": city.name}
        ) from None
    if previous is not None and carry_forward and previous.standard_id == standard.pk:
        # The outcome the city showed last time, to confirm or change.
        assessment.outcome_option_id = previous.outcome_option_id
        assessment.outcome_narrative = previous.outcome_narrative
        assessment.outcome_links = list(previous.outcome_links)
        assessment.save(update_fields=["outcome_option", "outcome_narrative", "outcome_links"])
    criteria = list(standard.criteria.order_by("position"))
    answers = {c.pk: Answer(assessment=assessment, criterion=c) for c in criteria}
    if previous is not None and carry_forward:
        _carry_forward(previous, answers, {c.code: c for c in criteria})
    Answer.objects.bulk_create(answers.values())
    if previous is not None and carry_forward:
        _carry_evidence(previous, assessment)
    return assessment


def _carry_forward(
    previous: Assessment, answers: dict[int, Answer], by_code: dict[str, Criterion]
) -> None:
    same = previous.standard_id == next(iter(answers.values())).assessment.standard_id
    mapping = (
        None
        if same
        else crosswalk(
            previous.standard.code, next(iter(answers.values())).assessment.standard.code
        )
    )
    for old in previous.answers.select_related("criterion"):
        code = old.criterion.code if same else (mapping or {}).get(old.criterion.code)
        target = by_code.get(code) if code else None
        if target is None or old.status == Answer.Status.UNANSWERED:
            continue
        answer = answers[target.pk]
        answer.narrative, answer.links = old.narrative, list(old.links)
        if same:  # the same checklist: the claim itself carries over
            answer.status, answer.items = old.status, list(old.items)
        answer.carried_forward = True


def _carry_evidence(previous: Assessment, assessment: Assessment) -> None:
    targets = {
        a.criterion.code: a
        for a in assessment.answers.select_related("criterion").filter(carried_forward=True)
    }
    same = previous.standard_id == assessment.standard_id
    mapping = {} if same else crosswalk(previous.standard.code, assessment.standard.code)
    copies = []
    for evidence in Evidence.objects.filter(answer__assessment=previous).select_related(
        "answer__criterion"
    ):
        code = (
            evidence.answer.criterion.code if same else mapping.get(evidence.answer.criterion.code)
        )
        answer = targets.get(code or "")
        if answer is not None:
            copies.append(
                Evidence(
                    answer=answer,
                    file=evidence.file.name,
                    name=evidence.name,
                    content_type=evidence.content_type,
                    size=evidence.size,
                    sha256=evidence.sha256,
                    carried_forward=True,
                    uploaded_by=evidence.uploaded_by,
                )
            )
    Evidence.objects.bulk_create(copies)


def clean_links(text_or_list: str | Iterable[str]) -> list[str]:
    """Evidence links, one per line, by the rule of `links.py` (the spreadsheet's too)."""
    found = link_rules.split(text_or_list)
    problems = [link_rules.problem(link) for link in found]
    for problem in (*problems, link_rules.too_many(len(found))):
        if problem:
            raise AssessmentError(problem)
    return found


def answer_is_open(answer: Answer) -> bool:
    """Whether the city may change this answer: while drafting, or while a clarification round
    has reopened it."""
    state = answer.assessment.state
    return state == Assessment.State.DRAFT or (
        state == Assessment.State.CLARIFICATION and answer.reopened
    )


def _require_open(answer: Answer) -> None:
    if not answer_is_open(answer):
        _require_editable(answer.assessment)


def _require_editable(assessment: Assessment) -> None:
    if not assessment.is_editable:
        raise AssessmentError(
            _("This assessment was submitted on %(date)s and can no longer be changed.")
            % {"date": assessment.submitted_at.date() if assessment.submitted_at else ""}
        )


@transaction.atomic
def save_answer(
    answer: Answer,
    *,
    version: int,
    status: str,
    items: Sequence[str],
    narrative: str,
    links: Sequence[str],
    by: User,
) -> Answer:
    """Save a claim, if nobody saved this answer since `version` was read."""
    _require_open(answer)
    keys = set(answer.criterion.checklist_items.values_list("key", flat=True))
    unknown = sorted(set(items) - keys)
    if unknown:
        raise AssessmentError(
            _("Unknown checklist items: %(items)s") % {"items": ", ".join(unknown)}
        )
    if status == Answer.Status.NOT_MET and items:
        raise AssessmentError(_("An answer marked “not met yet” cannot also tick checklist items."))
    if len(narrative) > 5000:
        raise AssessmentError(_("The narrative is too long: at most 5,000 characters."))
    if status == Answer.Status.CLAIMED and not items:
        status = Answer.Status.UNANSWERED
    updated = Answer.objects.filter(pk=answer.pk, version=version).update(
        status=status,
        items=sorted(set(items)),
        narrative=narrative,
        links=list(links),
        carried_forward=False,
        updated_by=by,
        updated_at=timezone.now(),
        version=F("version") + 1,
    )
    current = Answer.objects.select_related("updated_by", "criterion").get(pk=answer.pk)
    if not updated:
        raise ConflictError(current)
    return current


@transaction.atomic
def assign(answer: Answer, person: User | None) -> Answer:
    """Give a criterion to a team member to answer (or to nobody)."""
    if (
        person is not None
        and not Membership.objects.filter(city=answer.assessment.city, user=person).exists()
    ):
        raise AssessmentError(_("Only members of the team can be given criteria."))
    answer.assigned_to = person
    answer.save(update_fields=["assigned_to"])
    return answer


@transaction.atomic
def add_evidence(answer: Answer, stream: BinaryIO, original_name: str, by: User) -> Evidence:
    """Check an uploaded file and store it; a refused file leaves nothing behind."""
    _require_open(answer)
    stored: Evidence = evidence_files.store(
        Evidence(answer=answer, uploaded_by=by), stream, original_name
    )
    return stored


@transaction.atomic
def remove_evidence(evidence: Evidence) -> None:
    _require_open(evidence.answer)
    name = str(evidence.file.name)
    still_used = Evidence.objects.filter(file=name).exclude(pk=evidence.pk).exists()
    storage = evidence.file.storage
    evidence.delete()
    if not still_used:  # carried-forward copies share the stored file
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def save_outcome(
    assessment: Assessment,
    *,
    version: int,
    option: OutcomeOption | None,
    narrative: str,
    links: Sequence[str],
) -> Assessment:
    """The outcome gate: which outcome the city shows it meets, and how."""
    _require_editable(assessment)
    if option is not None and option.version_id != assessment.standard_id:
        raise AssessmentError(_("Choose one of this Standard's outcomes."))
    updated = Assessment.objects.filter(pk=assessment.pk, outcome_version=version).update(
        outcome_option=option,
        outcome_narrative=narrative,
        outcome_links=list(links),
        outcome_version=F("outcome_version") + 1,
    )
    if not updated:
        raise AssessmentError(
            _(
                "Someone else changed the outcome while you were editing it. "
                "Reload the page and try again."
            )
        )
    return Assessment.objects.get(pk=assessment.pk)


def problems(assessment: Assessment) -> list[Problem]:
    """What must be done before the assessment can be submitted."""
    found: list[Problem] = []
    answers = assessment.answers.select_related("criterion").prefetch_related(
        "evidence", "criterion__required_documents"
    )
    for answer in answers:
        url = reverse("assessments:answer", args=[assessment.city.slug, answer.criterion.code])
        code = answer.criterion.code
        if answer.status == Answer.Status.UNANSWERED:
            found.append(
                Problem(
                    _("%(code)s is not answered: tick what you meet, or mark it not met yet.")
                    % {"code": code},
                    url,
                )
            )
            continue
        if answer.carried_forward:
            found.append(
                Problem(
                    _(
                        "%(code)s was carried forward from your last assessment: "
                        "confirm or update it."
                    )
                    % {"code": code},
                    url,
                )
            )
        if answer.status == Answer.Status.CLAIMED:
            needed = len(answer.criterion.required_documents.all())
            supplied = len(answer.evidence.all()) + len(answer.links)
            if needed and supplied < needed:
                found.append(
                    Problem(
                        _(
                            "%(code)s is claimed but has %(supplied)s of the %(needed)s "
                            "documents it needs: upload files or add links."
                        )
                        % {"code": code, "supplied": supplied, "needed": needed},
                        url,
                    )
                )
    if assessment.standard.outcome_gate_required and (
        assessment.outcome_option_id is None
        or not (assessment.outcome_narrative.strip() or assessment.outcome_links)
    ):
        found.append(
            Problem(
                _(
                    "The outcome gate is not addressed: choose the outcome your city "
                    "meets and show how."
                ),
                reverse("assessments:outcome", args=[assessment.city.slug]),
            )
        )
    return found


@transaction.atomic
def submit(assessment: Assessment, by: User) -> Assessment:
    """Send a complete draft to the certification team."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    _require_editable(assessment)
    missing = problems(assessment)
    if missing:
        raise AssessmentError(
            _("The assessment cannot be submitted yet: %(n)s things are missing.")
            % {"n": len(missing)}
        )
    submitted = _transition(assessment, "submit", by)
    city = submitted.city
    notify(
        "submission_received",
        [m.user for m in city.memberships.select_related("user").order_by("-role")],
        {"city": city, "assessment": submitted, "by": by},
        city=city,
        link=reverse("assessments:overview", args=[city.slug]),
    )
    return submitted


def withdraw(assessment: Assessment, by: User) -> Assessment:
    """Take a submitted assessment back to draft, until a review starts."""
    return _transition(assessment, "withdraw", by)


def _transition(assessment: Assessment, name: str, by: User) -> Assessment:
    try:
        return workflow.apply(assessment, name, by)
    except workflow.TransitionError as exc:
        raise AssessmentError(str(exc)) from None


@transaction.atomic
def record_findings(assessment: Assessment, findings: Mapping[str, str]) -> int:
    """Record what the review found of claimed criteria (code -> an `Answer.Finding` value),
    while the assessment is in review. Only the certification team's work calls this."""
    if assessment.state not in Assessment.VALIDATION_STATES:
        raise AssessmentError(_("This assessment is not in review."))
    changed = 0
    for finding in set(findings.values()):
        if finding not in Answer.Finding.values:
            raise ValueError(f"unknown finding {finding!r}")
        codes = [code for code, f in findings.items() if f == finding]
        changed += Answer.objects.filter(
            assessment=assessment, criterion__code__in=codes, status=Answer.Status.CLAIMED
        ).update(finding=finding)
    return changed


@transaction.atomic
def import_answers(assessment: Assessment, imported: Mapping[str, Any], by: User) -> int:
    """Apply answers read from the spreadsheet, all of them or (on any error) none; returns how
    many answers changed. A row that says what the answer already says leaves it as it is (its
    version, who changed it last, and whether it waits to be confirmed)."""
    _require_editable(assessment)
    answers = {
        a.criterion.code: a
        for a in assessment.answers.select_related("criterion").select_for_update(of=("self",))
    }
    changed = []
    for code, row in imported.items():
        answer = answers[code]
        status = (
            Answer.Status.NOT_MET
            if row.not_met
            else Answer.Status.CLAIMED
            if row.items
            else Answer.Status.UNANSWERED
        )
        wanted = (status, sorted(row.items), row.narrative, clean_links(row.links))
        if wanted == (answer.status, sorted(answer.items), answer.narrative, list(answer.links)):
            continue
        answer.status, answer.items, answer.narrative, answer.links = wanted
        answer.carried_forward = False
        answer.updated_by = by
        answer.version += 1
        changed.append(answer)
    Answer.objects.bulk_update(
        changed,
        ["status", "items", "narrative", "links", "carried_forward", "updated_by", "version"],
    )
    return len(changed)
