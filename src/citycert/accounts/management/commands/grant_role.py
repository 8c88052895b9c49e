"""`citycert grant_role EMAIL ROLE`: give an account a program role (for the first admin)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycert.accounts import services
from citycert.accounts.models import ProgramRole


class Command(BaseCommand):
    help = "Give an existing account a program role: reviewer, admin or coach."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("role", choices=ProgramRole.Role.values)
        parser.add_argument("--organisation", default="")

    def handle(self, *args: Any, email: str, role: str, organisation: str, **options: Any) -> None:
        try:
            granted = services.grant_program_role(email, role, None, organisation)
        except services.TeamError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{granted.user.email} is {granted.get_role_display()}")
