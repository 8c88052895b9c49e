"""`citycert load_demo`: demo people and demo city teams, for trying citycert locally.

The demo city (Rosario) gets an assessment in progress and an earlier, decided one, so that its
report has something to say about the year gone by; a few other South American cities of its
size get submitted assessments, so that the report can compare it with them (anonymously, as
it would any city that is not certified). Four more cities show the certification cycle (see
`citycert.demo.cycle`): a re-certification, a renewal due, an expiry and an appeal.

Idempotent: running it again resets the demo accounts to the printed passwords and leaves the
demo assessments as they are. Refuses to run with DEBUG off, so it cannot plant known passwords
in production by accident.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from citycert.accounts.models import Membership, ProgramRole, User
from citycert.assessments import scores
from citycert.assessments import services as assessments
from citycert.assessments.models import Answer, Assessment
from citycert.cities import gazetteer, services
from citycert.cities.models import City
from citycert.demo import events as demo_events
from citycert.demo import learning
from citycert.demo.cycle import CAMPINAS, CURITIBA, GUADALAJARA, QUEBEC, Cycle, engage
from citycert.reviews.models import Assignment, Decision, Validation
from citycert.scoring import plan_to_level
from citycert.standards.queries import scoring_spec

PASSWORD = "citycert-demo-2026"  # noqa: S105 - demo only; the command refuses DEBUG off
DOMAIN = "demo.citycert.invalid"
DEMO_CITY = "Rosario"

#: The demo city's assessment of 2023 (decided, not certified): what it claimed, and what the
#: certification team validated.
EARLIER_CLAIMS = (
    "DM1",
    "DM2",
    "DM3",
    "DM4",
    "DM5",
    "LC1",
    "LC2",
    "LC3",
    "LC4",
    "LC5",
    "OD1",
    "OD2",
    "OD3",
    "PA1",
    "PA2",
    "PA3",
    "BF1",
    "RDC1",
    "CI1",
    "EVAL1",
)
EARLIER_NOT_VALIDATED = ("EVAL1",)
#: Its assessment in progress: criteria claimed in full, and some started (first item only).
CLAIMS = (
    "DM1",
    "DM2",
    "DM3",
    "DM4",
    "DM5",
    "DM6",
    "DM8",
    "LC1",
    "LC2",
    "LC3",
    "LC4",
    "LC5",
    "LC6",
    "OD1",
    "OD2",
    "OD3",
    "OD4",
    "PA1",
    "PA2",
    "PA5",
    "BF1",
    "BF2",
    "RDC1",
    "CI1",
)
STARTED = ("PA3", "EVAL1", "RDC2")
#: Cities of Rosario's population band and region with a submitted assessment: its peers in
#: the report's comparison (names from the gazetteer; none certified in the public history).
PEERS = (
    ("Mar del Plata", "AR", 14),
    ("San Miguel de Tucumán", "AR", 18),
    ("Cartagena", "CO", 21),
    ("Cúcuta", "CO", 16),
    ("Natal", "BR", 25),
    ("João Pessoa", "BR", 12),
    ("Teresina", "BR", 27),
)


class Command(BaseCommand):
    help = "Create demo people (lead, contributor, reviewer, admin, coach) and a demo city team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("load_demo plants known passwords; it runs only with DEBUG=true.")
        with transaction.atomic():
            people = {
                key: self.person(f"{key}@{DOMAIN}", name)
                for key, name in [
                    ("lead", "Lucía Lead"),
                    ("contributor", "Carlos Contributor"),
                    ("reviewer", "Renata Reviewer"),
                    ("admin", "Ana Admin"),
                    ("coach", "Camille Coach"),
                ]
            }
            for key, role in [
                ("reviewer", ProgramRole.Role.REVIEWER),
                ("admin", ProgramRole.Role.ADMIN),
                ("coach", ProgramRole.Role.COACH),
            ]:
                ProgramRole.objects.get_or_create(user=people[key], role=role)
            city = self.demo_city(people["admin"])
            Membership.objects.update_or_create(
                city=city, user=people["lead"], defaults={"role": Membership.Role.LEAD}
            )
            Membership.objects.update_or_create(
                city=city,
                user=people["contributor"],
                defaults={"role": Membership.Role.CONTRIBUTOR},
            )
            engage(city, people["coach"], people["lead"])
            codes = {key: self.second_factor(people[key]) for key in ("reviewer", "admin")}
            if not city.assessments.exists():
                self.assessments(city, people)
            Cycle(people, self.person, DOMAIN).run()
            learning.load(people["admin"])
            self.requests(city)
            demo_events.load(people)
            panelist = User.objects.get(email=f"panelist@{DOMAIN}")
            codes["panelist"] = self.second_factor(panelist)
            people["owner"] = self.network(city, people)

        self.stdout.write(f"\nDemo sign-ins (password for all: {PASSWORD}) — city: {city}")
        for key in ("lead", "contributor", "coach"):
            self.stdout.write(f"  {key:<12} {people[key].email}")
        people["panelist"] = panelist
        for key in ("reviewer", "admin", "panelist"):
            self.stdout.write(
                f"  {key:<12} {people[key].email}  (two-factor: use a recovery code, "
                f"e.g. {codes[key][0]} or {codes[key][1]})"
            )
        self.stdout.write(
            "The certification cycle, on other demo cities (their leads use the same password):"
        )
        for demo, what in (
            (CURITIBA, "re-certified Gold this month, with the same reviewer"),
            (GUADALAJARA, "certified Silver, in its renewal window (reminders sent)"),
            (QUEBEC, "certification expired"),
            (CAMPINAS, "moved down to Silver and appealed; the panelist has to declare"),
        ):
            self.stdout.write(f"  {demo.name:<12} {demo.lead}@{DOMAIN}  {what}")
        self.stdout.write(
            f"A portfolio: {people['owner'].email} holds the Latin American Data Cities "
            f"Association; {city.name}, Curitiba and Campinas consented, Guadalajara is asked."
        )
        self.stdout.write(
            f"Waiting for an answer: analyst@{DOMAIN} asks to join {city.name}'s team; "
            f"newcomer@{DOMAIN} asks to lead Mar del Plata (Registry > Requests to lead a city)."
        )
        self.stdout.write(
            f"Events: {people['lead'].email} is registered for a sprint; {people['coach'].email} "
            "organises the Open Data Academy's events."
        )
        self.stdout.write("")

    def network(self, city: City, people: dict[str, User]) -> User:
        """The network: the demo team listed in the members' directory, and an association's
        portfolio that three cities consented to and one is asked to join. Returns its owner."""
        from citycert.network import services as network
        from citycert.network.models import MemberProfile, Portfolio, PortfolioCity
        from citycert.network.queries import topic_choices

        topics = [code for code, _name in topic_choices()]
        for key, role, spoken in (
            ("lead", "Director of open data", ["es", "en"]),
            ("contributor", "Budget analyst", ["es", "pt"]),
        ):
            MemberProfile.objects.update_or_create(
                user=people[key],
                defaults={
                    "listed": True,
                    "role": role,
                    "topics": topics[:2],
                    "languages": spoken,
                    "digest": True,
                },
            )
        owner = self.person(f"association@{DOMAIN}", "Olga Association")
        portfolio = Portfolio.objects.filter(slug="latam-data-cities").first()
        if portfolio is None:
            portfolio = network.create_portfolio(
                name="Latin American Data Cities Association",
                slug="latam-data-cities",
                kind=Portfolio.Kind.NATIONAL_ASSOCIATION,
                owners=[owner],
                by=people["admin"],
            )
        leads = {
            demo.lead: Membership.objects.get(
                user__email=f"{demo.lead}@{DOMAIN}", role=Membership.Role.LEAD
            )
            for demo in (CURITIBA, CAMPINAS, GUADALAJARA)
        }
        members = [
            (city, people["lead"], True),
            (leads[CURITIBA.lead].city, leads[CURITIBA.lead].user, True),
            (leads[CAMPINAS.lead].city, leads[CAMPINAS.lead].user, True),
            (leads[GUADALAJARA.lead].city, leads[GUADALAJARA.lead].user, False),
        ]
        for member, lead, consents in members:
            entry = network.invite(portfolio, member, owner)
            if entry is None:
                continue  # loaded before
            if consents and entry.state == PortfolioCity.State.INVITED:
                network.consent(entry, lead)
        return owner

    def person(self, email: str, name: str) -> User:
        user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
        user.set_password(PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def requests(self, city: City) -> None:
        """Two people waiting for an answer: one asks to join the demo city's team (its lead
        decides), one asks to lead a city without a team (a program admin decides)."""
        for key, name, place, statement in (
            ("analyst", "Alba Analyst", city.gazetteer_id, "Analyst, budget office"),
            (
                "newcomer",
                "Nico Newcomer",
                gazetteer.search("Mar del Plata", country="AR", limit=1)[0].gazetteer_id,
                "Director of innovation, Municipality of General Pueyrredón",
            ),
        ):
            person = self.person(f"{key}@{DOMAIN}", name)
            found = gazetteer.get(place)
            if found is not None and not person.city_requests.exists():
                services.request_city(found, person, statement)

    def demo_city(self, by: User) -> City:
        place = gazetteer.search(DEMO_CITY, country="AR", limit=1)[0]
        existing = City.objects.filter(gazetteer_id=place.gazetteer_id).first()
        return existing or services.register(place, by)

    def second_factor(self, user: User) -> list[str]:
        """Staff must use two factors: give them TOTP and recovery codes; return unused codes."""
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        found = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).first()
        codes = RecoveryCodes(found) if found else RecoveryCodes.activate(user)
        return list(codes.get_unused_codes())

    def assessments(self, city: City, people: dict[str, User]) -> None:
        """An earlier decided assessment, one in progress, and peers with submitted ones."""
        self.earlier_assessment(city, people)
        current = assessments.start(city, people["lead"], carry_forward=False)
        self.answer(current, people["lead"], set(CLAIMS), started=set(STARTED), links=False)
        assessments.save_outcome(
            current,
            version=current.outcome_version,
            option=current.standard.outcome_options.get(code="broadband"),
            narrative="Household broadband subscriptions from the national census.",
            links=[],
        )
        for name, country, claimed in PEERS:
            place = gazetteer.search(name, country=country, limit=1)[0]
            peer = City.objects.filter(
                gazetteer_id=place.gazetteer_id
            ).first() or services.register(place, people["admin"])
            if peer.assessments.exists():
                continue
            assessment = assessments.start(peer, people["admin"])
            codes = list(assessment.standard.criteria.values_list("code", flat=True))
            chosen = set(random.Random(name).sample(codes, claimed))  # noqa: S311 - demo data
            self.answer(assessment, people["admin"], chosen, started=set(), links=True)
            assessments.save_outcome(
                assessment,
                version=assessment.outcome_version,
                option=assessment.standard.outcome_options.get(code="air_quality"),
                narrative="Air monitoring network, annual report.",
                links=[],
            )
            assessments.submit(assessment, people["admin"])

    def answer(
        self, assessment: Assessment, by: User, claimed: set[str], *, started: set[str], links: bool
    ) -> None:
        for answer in assessment.answers.select_related("criterion").order_by(
            "criterion__position"
        ):
            criterion = answer.criterion
            keys = list(criterion.checklist_items.values_list("key", flat=True))
            if criterion.code in claimed or criterion.code in started:
                documents = criterion.required_documents.count() if links else 0
                assessments.save_answer(
                    answer,
                    version=answer.version,
                    status=Answer.Status.CLAIMED,
                    items=keys if criterion.code in claimed else keys[:1],
                    narrative="Described in the documents linked.",
                    links=[f"https://{DOMAIN}/{criterion.code}/{n}" for n in range(documents)],
                    by=by,
                )
            else:
                assessments.save_answer(
                    answer,
                    version=answer.version,
                    status=Answer.Status.NOT_MET,
                    items=[],
                    narrative="",
                    links=[],
                    by=by,
                )

    def earlier_assessment(self, city: City, people: dict[str, User]) -> Assessment:
        """The city's 2023 assessment, as the review left it: decided, not certified."""
        standard = assessments.current_standard()
        earlier = Assessment.objects.create(
            city=city,
            standard=standard,
            state=Assessment.State.DECIDED,
            created_by=people["lead"],
            submitted_by=people["lead"],
            outcome_option=standard.outcome_options.get(code="broadband"),
            outcome_narrative="Household broadband subscriptions from the national census.",
        )
        Assessment.objects.filter(pk=earlier.pk).update(
            created_at=dt.datetime(2023, 3, 1, 12, tzinfo=dt.UTC),
            submitted_at=dt.datetime(2023, 4, 28, 12, tzinfo=dt.UTC),
        )
        answers = Answer.objects.bulk_create(
            Answer(
                assessment=earlier,
                criterion=c,
                status=Answer.Status.CLAIMED if c.code in EARLIER_CLAIMS else Answer.Status.NOT_MET,
                items=[i.key for i in c.checklist_items.all()] if c.code in EARLIER_CLAIMS else [],
                finding=(
                    Answer.Finding.NOT_VALIDATED
                    if c.code in EARLIER_NOT_VALIDATED
                    else Answer.Finding.VALIDATED
                )
                if c.code in EARLIER_CLAIMS
                else Answer.Finding.OPEN,
            )
            for c in standard.criteria.prefetch_related("checklist_items").order_by("position")
        )
        Assignment.objects.create(
            assessment=earlier,
            reviewer=people["reviewer"],
            conflict=False,
            declared_at=earlier.created_at,
        )
        Validation.objects.bulk_create(
            Validation(
                answer=answer,
                reviewer=people["reviewer"],
                verdict=Validation.Verdict.NOT_VALIDATED
                if answer.criterion.code in EARLIER_NOT_VALIDATED
                else Validation.Verdict.VALIDATED,
            )
            for answer in answers
            if answer.status == Answer.Status.CLAIMED
        )
        validated = scores.answers_of([earlier], scores.Basis.VALIDATED)[earlier.pk]
        plan = plan_to_level(scoring_spec(standard), validated, "silver")
        Decision.objects.create(
            assessment=earlier,
            level="",
            computed_level="",
            silver_gap=plan.size,
            rationale="Strong data management; performance and evaluation practice still early.",
            decided_by=people["admin"],
        )
        return earlier
