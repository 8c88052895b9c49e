"""`citycert restore DIR`: a backup made by `citycert backup`, into an empty database.

The database first, then the uploaded files, then the check of the live database and storage,
then the public listings are rebuilt. See citycert/backup.py and docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from citycert import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `citycert backup` into the database DATABASE_URL names, "
        "which must be empty, and its files into the storage."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="the backup's folder")

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        try:
            manifest = backup.read_manifest(directory)
            self.stdout.write(
                f"Backup of {manifest['created_at']} ({manifest['database']['vendor']}, "
                f"{len(manifest['files'])} files)"
            )
            files = backup.verify_backup(directory, manifest)
            backup.ensure_empty_database()
            conflicts = backup.media_conflicts(files)
            if conflicts:
                raise backup.BackupError(
                    f"The storage already holds {len(conflicts)} of the backup's files with "
                    f"other content (e.g. {conflicts[0]}): restore into an empty storage."
                )
        except backup.BackupError as exc:
            raise CommandError(f"{exc} Nothing was restored.") from None
        try:
            self.stdout.write("1/3 Restoring the database...")
            backup.restore_database(directory, manifest)
            self.stdout.write("2/3 Restoring the uploaded files...")
            copied, present = backup.restore_media(directory, files)
            self.stdout.write(f"    {copied} files copied, {present} were there already")
        except backup.BackupError as exc:
            raise CommandError(f"{exc} The restore is incomplete.") from None
        self.stdout.write("3/3 Checking the database against the storage...")
        pending = self.pending_migrations()
        try:
            result = backup.check_live()
        except DatabaseError as exc:
            raise CommandError(
                f"Could not check the restored database ({exc}). Run `citycert migrate`, then "
                "`citycert backup --check-only`."
            ) from None
        for line in backup.format_check(result):
            self.stdout.write(line)
        if not result.ok:
            raise CommandError(
                f"{len(result.rows_without_files)} restored rows name a file that is missing "
                "(listed above)."
            )
        if pending:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup is {pending} migrations behind this citycert: run "
                    "`citycert migrate`, then `citycert refresh_public`."
                )
            )
        else:
            call_command("refresh_public", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Restored {directory}"))

    @staticmethod
    def pending_migrations() -> int:
        executor = MigrationExecutor(connection)
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
