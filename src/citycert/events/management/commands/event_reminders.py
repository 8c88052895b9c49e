"""`citycert event_reminders`: remind registrants of events starting in the next 24 hours.

`citycert daily` runs it too; run it hourly as well (cron, a systemd timer) for reminders
closer to a day ahead. Each registration is reminded once, however often it runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from citycert.events import services


class Command(BaseCommand):
    help = "Remind people registered for events starting within 24 hours; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = services.send_reminders()
        self.stdout.write(f"{sent} event reminders")
