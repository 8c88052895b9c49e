"""`citycert backup DIR`: the database, then the uploaded files, into an empty folder.

`citycert backup --check-only` checks the live database and storage instead: rows whose file is
missing, and files no row names. See citycert/backup.py and docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from citycert import backup


class Command(BaseCommand):
    help = (
        "Back up the database, then the uploaded files, into an empty folder, and check the "
        "backup. With --check-only, check the live database and storage instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", nargs="?", type=Path, help="a new or empty folder")
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="list rows without files and files without rows, for the live site",
        )

    def handle(self, *args: Any, directory: Path | None, check_only: bool, **options: Any) -> None:
        if check_only:
            if directory is not None:
                raise CommandError("--check-only takes no folder: it checks the live site.")
            self.check_live()
            return
        if directory is None:
            raise CommandError("Give the folder to back up into (or --check-only).")
        try:
            backup.prepare_directory(directory)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        try:
            self.stdout.write("1/3 Copying the database...")
            database = backup.dump_database(directory)
            self.stdout.write(f"    {database}")
            self.stdout.write("2/3 Copying the uploaded files (after the database)...")
            files = backup.copy_media(directory)
            self.stdout.write(f"    {len(files)} files, {sum(f.size for f in files):,} bytes")
            self.stdout.write("3/3 Writing the manifest and checking the backup...")
            backup.write_manifest(directory, files)
            result = backup.check_backup(directory)
        except backup.BackupError as exc:
            raise CommandError(
                f"{exc} The backup in {directory} is incomplete: delete it and try again."
            ) from None
        self.write_check(result)
        if not result.ok:
            raise CommandError(
                f"THE BACKUP IS INCOMPLETE: {len(result.rows_without_files)} rows of the "
                "database copy name a file that is not in the backup (listed above). Check "
                "them with `citycert backup --check-only`, then back up again into a new folder."
            )
        self.stdout.write(self.style.SUCCESS(f"Backup complete: {directory}"))

    def check_live(self) -> None:
        result = backup.check_live()
        self.write_check(result)
        if not result.ok:
            raise CommandError(
                f"{len(result.rows_without_files)} rows name a file that is missing from the "
                "storage (listed above)."
            )
        self.stdout.write(self.style.SUCCESS("Every row has its file."))

    def write_check(self, result: backup.CheckResult) -> None:
        for line in backup.format_check(result):
            self.stdout.write(line)
