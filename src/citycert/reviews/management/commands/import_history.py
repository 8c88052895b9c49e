"""`citycert import_history [FILE.csv]`: import the public certification history."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycert.reviews.history import HistoryError, import_history

SHIPPED = Path(str(resources.files("citycert.reviews") / "data" / "certification-history.csv"))


class Command(BaseCommand):
    help = (
        "Import certification history from a CSV file (cohort, city, admin_area, country, level, "
        "standard, event, source); without a file, the history shipped with citycert. All rows "
        "or none: any problem is reported for every row and nothing is imported. Importing the "
        "same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=SHIPPED)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot be read: {exc}") from None
        try:
            result = import_history(text)
        except HistoryError as exc:
            raise CommandError(
                f"Nothing was imported from {file.name}; {len(exc.errors)} problems:\n"
                + "\n".join(exc.errors)
            ) from None
        self.stdout.write(
            f"{file.name}: {result.created} certifications imported in {len(result.cohorts)} "
            f"cohorts ({result.cities_created} cities added); {result.unchanged} already there."
        )
