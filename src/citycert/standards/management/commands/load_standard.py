"""`citycert load_standard [FILE ...]`: load the shipped standard versions (or given files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycert.standards.definitions import DefinitionError
from citycert.standards.services import load_files


class Command(BaseCommand):
    help = (
        "Load standard versions from YAML into the database. Without arguments, loads every "
        "version shipped with citycert. Safe to run again: unchanged versions are left alone. "
        "Any error leaves the database as it was."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="standard YAML files to load")

    def handle(self, *args: Any, files: list[Path], **options: Any) -> None:
        try:
            results = load_files(files or None)
        except DefinitionError as exc:
            raise CommandError(f"Standard not loaded; the database is unchanged.\n{exc}") from None
        for result in results:
            self.stdout.write(f"standard {result.code}: {result.outcome}")
