"""Synthetic work in progress at the program's scale, for benchmarks of the signed-in pages:
assessments in every state (in progress, submitted, in review, waiting for a clarification,
decided), each with an answer per criterion; their cities' leads; reviewers with their
assignments and verdicts; clarifications; decisions; and a few program admins.

Written with bulk_create (no audit entries, no emails, no state-change history): it is demo
data, made in seconds. Program staff get an authenticator app, as staff must; every generated
person has an unusable password (they are signed in by the benchmark's own sessions, or not at
all). Run through `citycert generate_demo`, after the synthetic cities are made.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from citycert.accounts.models import Membership, ProgramRole, User
from citycert.assessments.models import Answer, Assessment
from citycert.cities.models import City
from citycert.reviews.models import Assignment, Certification, Clarification, Decision, Validation
from citycert.standards.models import StandardVersion

#: The email domain of generated people (a reserved name: nothing is ever sent there).
DOMAIN = "synthetic.example.org"
#: Shares of the open assessments in each state.
OPEN_STATES = (("draft", 0.40), ("submitted", 0.15), ("in_review", 0.35), ("clarification", 0.10))
BATCH = 2000


@dataclass(frozen=True)
class Workload:
    """What was generated, by kind."""

    assessments: Counter[str]
    answers: int
    reviewers: int
    admins: int
    leads: int
    assignments: int
    validations: int
    clarifications: int


def lead_email(city: City) -> str:
    return f"lead.{city.slug}@{DOMAIN}"


def reviewer_email(n: int) -> str:
    return f"reviewer{n}@{DOMAIN}"


def admin_email(n: int) -> str:
    return f"admin{n}@{DOMAIN}"


def generate(
    rng: random.Random,
    cities: list[City],
    standard: StandardVersion,
    *,
    open_count: int,
    decided_count: int,
    reviewer_count: int,
    admin_count: int,
) -> Workload:
    """`open_count` open and `decided_count` decided assessments of `cities` (one of each per
    city at most: a city's open assessment follows its decided one), with leads, reviewers,
    admins, assignments, verdicts, clarifications and decisions."""
    now = timezone.now()
    admins = _staff(admin_email, "Program admin", admin_count, ProgramRole.Role.ADMIN)
    reviewers = _staff(reviewer_email, "Reviewer", reviewer_count, ProgramRole.Role.REVIEWER)
    criteria = list(standard.criteria.prefetch_related("checklist_items").order_by("position"))
    keys = {c.pk: [i.key for i in c.checklist_items.all()] for c in criteria}
    options = list(standard.outcome_options.values_list("pk", flat=True))

    open_cities = rng.sample(cities, min(open_count, len(cities)))
    decided_cities = rng.sample(cities, min(decided_count, len(cities)))
    with_assessment = {c.pk: c for c in [*open_cities, *decided_cities]}
    leads = _leads(list(with_assessment.values()))

    # Decided assessments first, so that a city's open one can follow its decided one.
    latest = _latest_certifications(decided_cities, standard)
    decided = [
        Assessment(
            city=c,
            standard=standard,
            state=Assessment.State.DECIDED,
            outcome_option_id=rng.choice(options) if options else None,
            outcome_narrative="Census figures.",
            created_by=leads[c.pk],
            submitted_at=now - dt.timedelta(days=rng.randint(200, 700)),
            submitted_by=leads[c.pk],
        )
        for c in decided_cities
    ]
    Assessment.objects.bulk_create(decided, batch_size=BATCH)
    previous = {a.city_id: a for a in decided}
    states = _states(rng, len(open_cities))
    opened = [
        Assessment(
            city=c,
            standard=standard,
            state=state,
            previous=previous.get(c.pk),
            outcome_option_id=(rng.choice(options) if options and state != "draft" else None),
            outcome_narrative="" if state == "draft" else "Census figures.",
            created_by=leads[c.pk],
            submitted_at=None if state == "draft" else now - dt.timedelta(days=rng.randint(1, 150)),
            submitted_by=None if state == "draft" else leads[c.pk],
        )
        for c, state in zip(open_cities, states, strict=True)
    ]
    Assessment.objects.bulk_create(opened, batch_size=BATCH)
    everything = [*decided, *opened]

    answers: list[Answer] = []
    asked: dict[int, list[Answer]] = {}  # the answers a clarification asks about
    for a in everything:
        # A draft is answered part of the way; the others in full.
        answered = len(criteria) if a.state != "draft" else rng.randint(0, len(criteria))
        claim_share = rng.uniform(0.4, 0.95)
        mine: list[Answer] = []
        for n, criterion in enumerate(criteria):
            claimed = n < answered and rng.random() < claim_share
            status = (
                Answer.Status.UNANSWERED
                if n >= answered
                else Answer.Status.CLAIMED
                if claimed
                else Answer.Status.NOT_MET
            )
            finding = ""
            if claimed and a.state == "decided":
                finding = rng.choices(Answer.Finding.values[1:], weights=(9, 1))[0]
            mine.append(
                Answer(
                    assessment=a,
                    criterion=criterion,
                    status=status,
                    items=list(keys[criterion.pk]) if claimed else [],
                    narrative=f"How {a.city.name} meets {criterion.code}." if claimed else "",
                    links=[f"https://{a.city.slug}.example.org/{criterion.code}"]
                    if claimed
                    else [],
                    finding=finding,
                    updated_by=leads[a.city_id],
                )
            )
        if a.state == "clarification":
            claims = [x for x in mine if x.status == Answer.Status.CLAIMED]
            asked[a.pk] = rng.sample(claims, min(len(claims), rng.randint(1, 3)))
            for answer in asked[a.pk]:
                answer.reopened = True
        answers += mine
    Answer.objects.bulk_create(answers, batch_size=BATCH)

    by_assessment: dict[int, list[Answer]] = {}
    for answer in answers:
        by_assessment.setdefault(answer.assessment_id, []).append(answer)

    assignments: list[Assignment] = []
    validations: list[Validation] = []
    clarifications: list[tuple[Clarification, list[Answer]]] = []
    reviewed = [a for a in everything if a.state in ("in_review", "clarification", "decided")]
    for a in reviewed:
        seated = rng.sample(reviewers, min(2, len(reviewers)))
        claims = [x for x in by_assessment[a.pk] if x.status == Answer.Status.CLAIMED]
        for number, reviewer in enumerate(seated):
            # Now and then the second reviewer has still to declare.
            pending = a.state == "in_review" and number == 1 and rng.random() < 0.15
            assignments.append(
                Assignment(
                    assessment=a,
                    reviewer=reviewer,
                    assigned_by=admins[0] if admins else None,
                    conflict=None if pending else False,
                    declared_at=None if pending else now,
                )
            )
            if pending:
                continue
            done = 1.0 if a.state == "decided" else rng.uniform(0.2, 1.0)
            for answer in claims:
                if rng.random() >= done:
                    continue
                if a.state == "decided":
                    verdict = answer.finding
                elif answer.reopened:
                    verdict = Validation.Verdict.CLARIFY
                else:
                    verdict = rng.choices(Validation.Verdict.values[:2], weights=(9, 1))[0]
                validations.append(
                    Validation(
                        answer=answer,
                        reviewer=reviewer,
                        verdict=verdict,
                        comment="" if verdict == "validated" else "The evidence does not show it.",
                    )
                )
        if a.pk in asked:
            clarifications.append(
                (
                    Clarification(
                        assessment=a,
                        message="Please show the published document.",
                        due_on=now.date() + dt.timedelta(days=rng.randint(-10, 30)),
                        requested_by=admins[0] if admins else None,
                    ),
                    asked[a.pk],
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    Validation.objects.bulk_create(validations, batch_size=BATCH)
    Clarification.objects.bulk_create([c for c, _asked in clarifications], batch_size=BATCH)
    through = Clarification.criteria.through
    through.objects.bulk_create(
        [
            through(clarification_id=c.pk, criterion_id=answer.criterion_id)
            for c, asked in clarifications
            for answer in asked
        ],
        batch_size=BATCH,
    )
    Decision.objects.bulk_create(
        [_decision(a, latest.get(a.city_id), admins) for a in decided], batch_size=BATCH
    )
    return Workload(
        assessments=Counter(a.state for a in everything),
        answers=len(answers),
        reviewers=len(reviewers),
        admins=len(admins),
        leads=len(leads),
        assignments=len(assignments),
        validations=len(validations),
        clarifications=len(clarifications),
    )


def _states(rng: random.Random, count: int) -> list[str]:
    states: list[str] = []
    for state, share in OPEN_STATES:
        states += [state] * round(count * share)
    states = (states + ["draft"] * count)[:count]
    rng.shuffle(states)
    return states


def _people(emails: list[tuple[str, str]]) -> list[User]:
    """Verified accounts with an unusable password, in one go."""
    unusable = make_password(None)
    people = [User(email=email, name=name, password=unusable) for email, name in emails]
    User.objects.bulk_create(people, batch_size=BATCH)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people],
        batch_size=BATCH,
    )
    return people


def _staff(email: Any, title: str, count: int, role: str) -> list[User]:
    people = _people([(email(n), f"{title} {n}") for n in range(1, count + 1)])
    ProgramRole.objects.bulk_create([ProgramRole(user=p, role=role) for p in people])
    for p in people:  # staff must use two factors: each has an authenticator app
        TOTP.activate(p, generate_totp_secret())
    return people


def _leads(cities: list[City]) -> dict[int, User]:
    """A lead for each city, by the city's id."""
    people = _people([(lead_email(c), f"Lead of {c.name}") for c in cities])
    Membership.objects.bulk_create(
        [
            Membership(city=c, user=p, role=Membership.Role.LEAD)
            for c, p in zip(cities, people, strict=True)
        ],
        batch_size=BATCH,
    )
    return {c.pk: p for c, p in zip(cities, people, strict=True)}


def _latest_certifications(
    cities: list[City], standard: StandardVersion
) -> dict[int, Certification]:
    """Each city's latest certification against `standard`, by city id."""
    latest: dict[int, Certification] = {}
    for cert in Certification.objects.filter(
        city__in=[c.pk for c in cities], standard=standard, supersedes__isnull=True
    ).order_by("cohort__label"):
        latest[cert.city_id] = cert
    return latest


def _decision(a: Assessment, cert: Certification | None, admins: list[User]) -> Decision:
    """The decision on a decided assessment: the city's latest certification against its
    version where it has one, else not certified."""
    return Decision(
        assessment=a,
        level=cert.level if cert else "",
        computed_level=cert.level if cert else "",
        silver_gap=0 if cert else 3,
        cohort_id=cert.cohort_id if cert else None,
        certification=cert,
        rationale="The validated criteria reach this level.",
        decided_by=admins[0] if admins else None,
    )
