"""Demo cities at each turn of the certification cycle, made through the real services:

- Curitiba (Brazil) was certified Gold in the app three years ago and has re-certified Gold
  with the same reviewer, announced this month;
- Guadalajara (Mexico) holds a Silver certification that ends within the renewal window, and
  its leads have been reminded;
- Québec (Canada) held a Silver certification that has expired, with no renewal;
- Campinas (Brazil) was certified Gold, was re-assessed at Silver, and appealed: the panel has a
  reviewer who has still to declare, and the move down is held back from the announcement.

Past steps are made today through the services and then dated back (an unpublished
certification may still change; once published it never does). Rules of validity for the 2022
Standard (three years) are set as an admin would.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.utils import timezone

from citycert.accounts.models import Membership, ProgramRole, User
from citycert.assessments import services as assessments
from citycert.assessments.models import Answer, Assessment, StateChange
from citycert.cities import gazetteer
from citycert.cities import services as cities
from citycert.cities.models import City
from citycert.partners import services as partners
from citycert.partners.models import Engagement
from citycert.reviews import appeals, renewal, rules, services
from citycert.reviews.history import announce, derive_event, publish_cohort
from citycert.reviews.models import Certification, Cohort, Decision
from citycert.reviews.rules import years_after
from citycert.standards.models import StandardVersion

VALID_YEARS = 3

#: The demo coach's partner organisation.
DEMO_PARTNER = "Open Cities Academy"


def engage(city: City, coach: User, lead: User) -> None:
    """The demo coach works for the demo partner, which coaches the city (invited by its
    lead, accepted by the coach), unless it does already."""
    staff = partners.join(DEMO_PARTNER, coach)
    if staff is None or (
        Engagement.objects.live().filter(city=city, organisation=staff.organisation).exists()
    ):
        return
    engagement = partners.invite(
        city, staff.organisation, "Prepare the next certification.", [], lead
    )
    partners.accept(engagement, coach)


@dataclass(frozen=True)
class DemoCity:
    name: str
    country: str
    lead: str  # the local part of the lead's demo address
    lead_name: str
    language: str


CURITIBA = DemoCity("Curitiba", "BR", "curitiba", "Paulo Prefeitura", "pt")
GUADALAJARA = DemoCity("Guadalajara", "MX", "guadalajara", "Gabriela Gobierno", "es")
QUEBEC = DemoCity("Québec", "CA", "quebec", "Québec Données", "fr")
CAMPINAS = DemoCity("Campinas", "BR", "campinas", "Carla Campinas", "pt")
CITIES = (CURITIBA, GUADALAJARA, QUEBEC, CAMPINAS)


def label_of(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def free_month(day: dt.date) -> dt.date:
    """`day`, or the same day of a later month, whose cohort is not announced already (the
    imported history holds some months)."""
    while Cohort.objects.filter(label=label_of(day), published_at__isnull=False).exists():
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=min(day.day, 28))
    return day


class Cycle:
    def __init__(self, people: dict[str, User], make_person: Any, domain: str) -> None:
        self.people = people
        self.make_person = make_person
        self.domain = domain
        self.today = timezone.localdate()

    # People and places ----------------------------------------------------------------------

    def city(self, demo: DemoCity) -> tuple[City, User]:
        place = gazetteer.search(demo.name, country=demo.country, limit=1)[0]
        city = City.objects.filter(gazetteer_id=place.gazetteer_id).first() or cities.register(
            place, self.people["admin"]
        )
        lead = self.make_person(f"{demo.lead}@{self.domain}", demo.lead_name)
        if not lead.language:
            lead.language = demo.language
            lead.save(update_fields=["language"])
        Membership.objects.update_or_create(
            city=city, user=lead, defaults={"role": Membership.Role.LEAD}
        )
        return city, lead

    # Steps ------------------------------------------------------------------------------------

    def answered(self, city: City, lead: User, claimed: int, seed: str) -> Assessment:
        """An assessment of `city`, every criterion answered (`claimed` of them in full)."""
        assessment = assessments.start(city, lead)
        codes = list(
            assessment.standard.criteria.order_by("position").values_list("code", flat=True)
        )
        chosen = set(random.Random(seed).sample(codes, claimed))  # noqa: S311 - demo data
        for answer in assessment.answers.select_related("criterion").order_by(
            "criterion__position"
        ):
            criterion = answer.criterion
            mine = criterion.code in chosen
            keys = list(criterion.checklist_items.values_list("key", flat=True))
            assessments.save_answer(
                answer,
                version=answer.version,
                status=Answer.Status.CLAIMED if mine else Answer.Status.NOT_MET,
                items=keys if mine else [],
                narrative="Described in the documents linked." if mine else "",
                links=[
                    f"https://{self.domain}/{city.slug}/{criterion.code}/{n}"
                    for n in range(criterion.required_documents.count() if mine else 0)
                ],
                by=lead,
            )
        assessments.save_outcome(
            assessment,
            version=Assessment.objects.get(pk=assessment.pk).outcome_version,
            option=assessment.standard.outcome_options.get(code="broadband"),
            narrative="Household broadband subscriptions from the national census.",
            links=[],
        )
        return assessments.submit(assessment, lead)

    def reviewed(self, assessment: Assessment, reviewer: User, level: str, cohort: str) -> Decision:
        """Assigned to `reviewer`, every claim validated, decided at `level` in `cohort`."""
        admin = self.people["admin"]
        assignment = services.assign_reviewer(assessment, reviewer, admin)
        services.declare(assignment, conflict=False, note="")
        codes = assessment.answers.filter(status=Answer.Status.CLAIMED).values_list(
            "criterion__code", flat=True
        )
        services.validate(assessment, reviewer, dict.fromkeys(codes, ("validated", "")))
        computed, _points = services.computed_level(assessment)
        return services.decide(
            assessment,
            level=level,
            rationale="The claims were validated against the documents and in interviews.",
            difference_reason="" if (computed or "") == level else "Decided on the evidence.",
            cohort_label=cohort,
            by=admin,
        )

    def dated(self, assessment: Assessment, decision: Decision, decided: dt.date) -> None:
        """Date an assessment's steps back to before `decided`, and publish its certification
        (not published yet, so it may still change) as awarded on `decided`."""
        when = dt.datetime.combine(decided, dt.time(12), tzinfo=dt.UTC)
        _update(Assessment, assessment.pk, created_at=when - dt.timedelta(days=120))
        _update(Assessment, assessment.pk, submitted_at=when - dt.timedelta(days=60))
        StateChange.objects.filter(assessment=assessment).update(at=when - dt.timedelta(days=30))
        _update(
            Decision,
            decision.pk,
            decided_at=when,
            appeal_until=decided + dt.timedelta(days=30),
        )
        Cohort.objects.filter(decisions=decision).update(published_at=when)
        cert = decision.certification
        if cert is not None:
            earlier = [
                c.level
                for c in Certification.objects.filter(
                    city_id=assessment.city_id, published_at__isnull=False
                ).order_by("awarded_on")
            ]
            _update(
                Certification,
                cert.pk,
                event=derive_event(earlier, cert.level) or "",
                published_at=when,
                awarded_on=decided,
                valid_until=years_after(decided, VALID_YEARS),
            )
            announce([assessment.city_id])

    # The cities -------------------------------------------------------------------------------

    def run(self) -> None:
        admin, reviewer = self.people["admin"], self.people["reviewer"]
        for standard in StandardVersion.objects.filter(code="2022"):
            current = rules.for_standard(standard)
            if not current.custom:
                rules.save(
                    standard,
                    valid_years=VALID_YEARS,
                    renewal_window_days=current.renewal_window_days,
                    grace_days=current.grace_days,
                    appeal_window_days=current.appeal_window_days,
                    by=admin,
                )
        self.curitiba(reviewer)
        self.guadalajara(reviewer)
        self.quebec(reviewer)
        self.campinas(reviewer)
        # This month's announcement: Curitiba re-certified; Campinas' move down waits for its
        # appeal.
        cohort = Cohort.objects.filter(label=label_of(self.today), published_at=None).first()
        if cohort is not None:
            publish_cohort(cohort)
        renewal.send_reminders(self.today)

    def curitiba(self, reviewer: User) -> None:
        city, lead = self.city(CURITIBA)
        if city.assessments.exists():
            return
        first = free_month(years_after(self.today, -VALID_YEARS) + dt.timedelta(days=20))
        earlier = self.answered(city, lead, 33, "curitiba-1")
        self.dated(earlier, self.reviewed(earlier, reviewer, "gold", label_of(first)), first)
        again = self.answered(city, lead, 34, "curitiba-2")
        self.reviewed(again, reviewer, "gold", label_of(self.today))

    def guadalajara(self, reviewer: User) -> None:
        city, lead = self.city(GUADALAJARA)
        coach = self.people["coach"]
        engage(city, coach, lead)
        if city.assessments.exists():
            return
        awarded = free_month(years_after(self.today, -VALID_YEARS) + dt.timedelta(days=75))
        earlier = self.answered(city, lead, 24, "guadalajara")
        self.dated(earlier, self.reviewed(earlier, reviewer, "silver", label_of(awarded)), awarded)

    def quebec(self, reviewer: User) -> None:
        city, lead = self.city(QUEBEC)
        if city.assessments.exists():
            return
        awarded = free_month(years_after(self.today, -VALID_YEARS) - dt.timedelta(days=70))
        earlier = self.answered(city, lead, 23, "quebec")
        self.dated(earlier, self.reviewed(earlier, reviewer, "silver", label_of(awarded)), awarded)

    def campinas(self, reviewer: User) -> None:
        city, lead = self.city(CAMPINAS)
        if city.assessments.exists():
            return
        first = free_month(years_after(self.today, -VALID_YEARS) + dt.timedelta(days=50))
        earlier = self.answered(city, lead, 32, "campinas-1")
        self.dated(earlier, self.reviewed(earlier, reviewer, "gold", label_of(first)), first)
        again = self.answered(city, lead, 25, "campinas-2")
        self.reviewed(again, reviewer, "silver", label_of(self.today))
        appeal = appeals.lodge(
            again,
            grounds=["factual", "new_evidence"],
            statement=(
                "The review did not count our evaluation policy (EVAL1), adopted by the city "
                "council before we submitted; the minutes are now published."
            ),
            by=lead,
        )
        panelist = self.make_person(f"panelist@{self.domain}", "Pablo Panelist")
        ProgramRole.objects.get_or_create(user=panelist, role=ProgramRole.Role.REVIEWER)
        appeals.add_panelist(appeal, panelist, self.people["admin"])


def _update(model: type[Model], pk: Any, **fields: Any) -> None:
    model._default_manager.filter(pk=pk).update(**fields)
