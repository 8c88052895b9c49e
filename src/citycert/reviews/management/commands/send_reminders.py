"""`citycert send_reminders`: remind cities of clarifications due soon (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from citycert.reviews.services import send_reminders


class Command(BaseCommand):
    help = "Email each city team once about an open clarification due within the next days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=2, help="how many days before the due date")

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        self.stdout.write(f"{send_reminders(days_before=days)} reminders sent")
