"""`citycert load_demo`: demo people and a demo city team, for trying citycert locally.

Idempotent: running it again resets the demo accounts to the printed passwords. Refuses to run
with DEBUG off, so it cannot plant known passwords in production by accident.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from citycert.accounts.models import CoachGrant, Membership, ProgramRole, User
from citycert.cities import gazetteer, services
from citycert.cities.models import City
from citycert.reviews.models import Assignment

PASSWORD = "citycert-demo-2026"  # noqa: S105 - demo only; the command refuses DEBUG off
DOMAIN = "demo.citycert.invalid"
DEMO_CITY = "Rosario"


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
            Assignment.objects.get_or_create(city=city, reviewer=people["reviewer"])
            if not CoachGrant.objects.filter(city=city, coach=people["coach"], revoked_at=None):
                CoachGrant.objects.create(
                    city=city, coach=people["coach"], granted_by=people["lead"]
                )
            codes = {key: self.second_factor(people[key]) for key in ("reviewer", "admin")}

        self.stdout.write(f"\nDemo sign-ins (password for all: {PASSWORD}) — city: {city}")
        for key in ("lead", "contributor", "coach"):
            self.stdout.write(f"  {key:<12} {people[key].email}")
        for key in ("reviewer", "admin"):
            self.stdout.write(
                f"  {key:<12} {people[key].email}  (two-factor: use a recovery code, "
                f"e.g. {codes[key][0]} or {codes[key][1]})"
            )
        self.stdout.write("")

    def person(self, email: str, name: str) -> User:
        user, _ = User.objects.get_or_create(email=email, defaults={"name": name})
        user.set_password(PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def demo_city(self, by: User) -> City:
        place = gazetteer.search(DEMO_CITY, country="AR", limit=1)[0]
        existing = City.objects.filter(gazetteer_id=place.gazetteer_id).first()
        return existing or services.register(place, by, as_lead=False)

    def second_factor(self, user: User) -> list[str]:
        """Staff must use two factors: give them TOTP and recovery codes; return unused codes."""
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        found = Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).first()
        codes = RecoveryCodes(found) if found else RecoveryCodes.activate(user)
        return list(codes.get_unused_codes())
