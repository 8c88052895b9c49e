"""`citycert check_translations`: fail, naming each gap, unless everything is translated."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from citycert import translations


class Command(BaseCommand):
    help = (
        "Check that every text of the shipped Standard and every interface string has a "
        "Spanish, Portuguese and French translation that is not fuzzy, not the English copied, "
        "keeps the English's placeholders and uses the glossary's terms."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        gaps = translations.all_gaps()
        for gap in gaps:
            self.stderr.write(gap)
        if gaps:
            raise CommandError(f"{len(gaps)} translation gaps (listed above).")
        self.stdout.write("Every text is translated.")
