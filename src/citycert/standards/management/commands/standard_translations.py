"""`citycert standard_translations export|import --lang LANG [--standard CODE] FILE.po`.

Export writes a version's texts as a gettext catalogue for a translator's tools (msgctxt names
the criterion and field, msgid is the English, msgstr the translation so far). Import reads one
back, checks all of it (every context known, its English unchanged, no empty or fuzzy entry,
placeholders kept) and only then writes the translations, even for a version assessments
already use (its English stays frozen). See "Translating the Standard" in docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycert.standards.catalogue import CatalogueError, catalogue, open_catalogue, targets
from citycert.standards.definitions import DefinitionError
from citycert.standards.models import StandardVersion
from citycert.standards.services import current_code, definition_from_db, import_translations


class Command(BaseCommand):
    help = (
        "Export a standard version's texts as a gettext catalogue (.po) for translators, or "
        "import a translated one after checking all of it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("export", "import"))
        parser.add_argument("file", type=Path, help="the .po file to write or read")
        parser.add_argument("--lang", required=True, choices=targets())
        parser.add_argument(
            "--standard",
            dest="code",
            help="the version's code, e.g. 2022 (default: the current one)",
        )

    def handle(
        self, *args: Any, action: str, file: Path, lang: str, code: str | None, **options: Any
    ) -> None:
        code = code or current_code()
        if code is None:
            raise CommandError("No standard version is open for assessments: give --standard.")
        if action == "export":
            version = StandardVersion.objects.filter(code=code).first()
            if version is None:
                raise CommandError(f"No standard version {code!r} is loaded.")
            po = catalogue(definition_from_db(version), lang)
            try:
                po.save(str(file))
            except OSError as exc:
                raise CommandError(f"{file}: cannot be written: {exc}") from None
            missing = len(po.untranslated_entries())
            self.stdout.write(
                f"{file}: {len(po)} texts of version {code} in {lang}, {missing} not translated yet"
            )
            return
        if not file.exists():
            raise CommandError(f"{file}: no such file")
        try:
            result = import_translations(code, lang, open_catalogue(file), file.name)
        except CatalogueError as exc:
            raise CommandError(
                f"{file.name}: nothing imported; the database is unchanged.\n{exc}"
            ) from None
        except DefinitionError as exc:
            raise CommandError(f"Nothing imported; the database is unchanged.\n{exc}") from None
        self.stdout.write(f"standard {result.code} ({lang}): {result.outcome}")
