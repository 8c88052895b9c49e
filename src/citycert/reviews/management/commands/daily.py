"""`citycert daily`: the program's daily work. Run it once a day (cron, a systemd timer); it is
idempotent, so running it twice, or catching up after a missed day, sends nothing twice.

- reminders of clarifications due soon (as `send_reminders`);
- renewal reminders to every lead and coach of a city whose certification ends in 180, 90 or
  30 days, or today (RENEWAL_REMINDER_DAYS);
- reminders to people registered for events starting within 24 hours, once each (as
  `event_reminders`, which can also run hourly).
- the network's weekly digest, on its weekday (network.digest: once a week per person).

Public pages change by themselves when a certification ends (their cache key holds the date).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from citycert import work
from citycert.events import services as event_services
from citycert.reviews import renewal, services


class Command(BaseCommand):
    help = "Send the day's reminders (clarifications due, renewals); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="run as if on this day (YYYY-MM-DD); for catching up or checking",
        )

    def handle(self, *args: Any, today: dt.date | None, **options: Any) -> None:
        today = today or timezone.localdate()
        clarifications = services.send_reminders(today=today)
        renewals = renewal.send_reminders(today)
        events = event_services.send_reminders()
        # The network sits above reviews: imported here, when the command runs.
        from citycert.network.digest import send_digest

        digests = send_digest(today)
        recovered = work.recover()
        self.stdout.write(
            f"{today}: {clarifications} clarification reminders, {renewals} renewal reminders, "
            f"{events} event reminders, {digests} network digests, "
            f"{recovered.tasks} stuck tasks recovered"
        )
