"""`citycert recover_work`: background work that stopped halfway recovers (see citycert.work)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from citycert import work


class Command(BaseCommand):
    help = "Mark tasks stuck 'running' as failed and recover their work; --list shows the queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list", action="store_true", help="list what is queued and running, and stop"
        )

    def handle(self, *args: Any, list: bool, **options: Any) -> None:
        if list:
            lines = work.overview()
            for line in lines:
                minutes = int(line.age.total_seconds() // 60)
                flag = "  STUCK" if line.stuck else ""
                self.stdout.write(f"{line.status:<8} {minutes:>6} min  {line.task}{flag}")
            self.stdout.write(f"{len(lines)} tasks queued or running")
            return
        found = work.recover()
        self.stdout.write(
            f"{found.tasks} stuck tasks marked failed; {found.reports} report PDFs to make "
            f"again; {found.notifications} emails queued again"
        )
