"""Backups of citycert: the database and the uploaded files, taken so that they agree.

citycert keeps its record in the database and the files people upload (evidence, appeal files,
report PDFs) in Django's default storage (a folder or an S3 bucket). A backup takes them in this
order, into an empty folder:

1. the database: SQLite's online backup into `database.sqlite3`, or PostgreSQL's `pg_dump` into
   `database.dump`;
2. the files, after the database: every file a row of that copy names, and every other file in
   the storage, into `media/`. A file stored while the backup runs either has its row in the
   database copy, and is copied with it, or has no row there: taken second, the files can only
   be too many, never missing;
3. `manifest.json` (what was taken, with each file's size and sha256), then a check of the
   backup itself: rows whose file is missing (the backup is incomplete) and files that no row
   names (harmless: uploaded while the backup ran, or left by a deleted row).

A restore goes the same way round, into an empty database: the database, then the files, then
the same check against the live database and storage.

The files a row names are found from the models: every `FileField` (of any installed app) kept
in the default storage, so a new one is covered without changes here. Everything that can go
wrong in an expected way raises `BackupError`, with a sentence for the operator.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO, Final

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections, models
from django.db.backends.base.base import BaseDatabaseWrapper

__all__ = [
    "FORMAT_VERSION",
    "BackupError",
    "BackupFile",
    "CheckResult",
    "FileColumn",
    "Reference",
    "backup_references",
    "check",
    "check_backup",
    "check_live",
    "copy_media",
    "dump_database",
    "ensure_empty_database",
    "file_columns",
    "format_check",
    "live_references",
    "make_backup",
    "media_conflicts",
    "prepare_directory",
    "read_manifest",
    "restore_database",
    "restore_media",
    "storage_names",
    "verify_backup",
    "write_manifest",
]

#: The version of the backup's layout, written in its manifest; a restore reads only its own.
FORMAT_VERSION: Final = 1
MANIFEST: Final = "manifest.json"
MEDIA: Final = "media"
#: The database file of the backup, per database vendor.
DATABASE_FILES: Final[dict[str, str]] = {
    "sqlite": "database.sqlite3",
    "postgresql": "database.dump",
}
_CHUNK: Final = 1024 * 1024
# Connection options Django passes to libpq, and the environment variables pg_dump and
# pg_restore read them from.
_LIBPQ_ENVIRONMENT: Final[dict[str, str]] = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "application_name": "PGAPPNAME",
}


class BackupError(Exception):
    """An expected failure (a missing tool, a folder or database that is not empty, ...)."""


@dataclass(frozen=True)
class FileColumn:
    """A database column that holds the names of files in the default storage."""

    model: str  # "assessments.Evidence"
    table: str
    pk: str  # the table's primary key column
    column: str


@dataclass(frozen=True)
class Reference:
    """One row naming one stored file."""

    model: str
    pk: str
    name: str

    def __str__(self) -> str:
        return f"{self.model} {self.pk}: {self.name}"


@dataclass(frozen=True)
class BackupFile:
    """A file as kept in a backup: its storage name, size in bytes and sha256 (hex)."""

    name: str
    size: int
    sha256: str


@dataclass
class CheckResult:
    """What the check found: rows naming a file that is not there, and files no row names."""

    rows_without_files: list[Reference] = field(default_factory=list)
    files_without_rows: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row has its file (files without rows are harmless)."""
        return not self.rows_without_files


# The models' file columns ----------------------------------------------------------------


def file_columns() -> list[FileColumn]:
    """Every concrete FileField (ImageField included) of every installed model whose files are
    kept in the default storage, one entry per table and column."""
    found: dict[tuple[str, str], FileColumn] = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or meta.swapped:
            continue
        for model_field in meta.get_fields():
            if not isinstance(model_field, models.FileField) or not model_field.concrete:
                continue
            if model_field.storage is not default_storage or meta.pk is None:
                continue
            column, pk = str(model_field.column), str(meta.pk.column)
            found.setdefault(
                (meta.db_table, column),
                FileColumn(model=meta.label, table=meta.db_table, pk=pk, column=column),
            )
    return sorted(found.values(), key=lambda c: (c.table, c.column))


def live_references(using: str = "default") -> list[Reference]:
    """The rows of the live database that name a stored file (empty names are no file)."""
    references: list[Reference] = []
    for column in file_columns():
        model = apps.get_model(column.model)
        name_field = next(
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.FileField) and f.column == column.column
        )
        rows = (
            model._base_manager.using(using)
            .exclude(**{f"{name_field}__isnull": True})
            .exclude(**{name_field: ""})
            .order_by("pk")
            .values_list("pk", name_field)
        )
        references.extend(Reference(column.model, str(pk), str(name)) for pk, name in rows)
    return references


# The storage -----------------------------------------------------------------------------


def storage_names(storage: Storage | None = None) -> list[str]:
    """Every file in the storage, by its storage name ("evidence/12/ab12..."), sorted. Reads
    through the storage API only, so a folder and an S3 bucket are listed alike."""
    storage = storage or default_storage
    names: list[str] = []
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            directories, files = storage.listdir(folder)
        except FileNotFoundError:  # a storage folder not made yet holds nothing
            if folder == "":
                continue
            raise
        prefix = f"{folder}/" if folder else ""
        names.extend(prefix + name for name in files)
        pending.extend(prefix + name for name in directories)
    return sorted(names)


def _safe_name(name: str) -> PurePosixPath:
    """A storage name as a relative path that stays inside the folder it is joined to."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        raise BackupError(f"Refusing a file name that leaves its folder: {name!r}.")
    return path


def _copy_stream(source: IO[bytes] | File[bytes], target: BinaryIO) -> tuple[int, str]:
    """Copy one stream into another; returns the size and sha256 of what was copied."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _hash_stored(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check(references: Iterable[Reference], names: Iterable[str]) -> CheckResult:
    """Compare rows and files: rows whose file is not among `names`, and names no row gives."""
    present = set(names)
    references = list(references)
    named = {r.name for r in references}
    return CheckResult(
        rows_without_files=[r for r in references if r.name not in present],
        files_without_rows=sorted(present - named),
    )


def check_live(using: str = "default", storage: Storage | None = None) -> CheckResult:
    """The check for the live database and the default storage."""
    storage = storage or default_storage
    references = live_references(using)
    present = set(storage_names(storage))
    # A name the listing missed may still open (an object store's listing can lag).
    present |= {r.name for r in references if r.name not in present and storage.exists(r.name)}
    return check(references, present)


def format_check(result: CheckResult, limit: int = 50) -> list[str]:
    """The check's findings as lines for an operator."""
    lines = [f"Rows without files: {len(result.rows_without_files)}"]
    lines += [f"  {r}" for r in result.rows_without_files[:limit]]
    if len(result.rows_without_files) > limit:
        lines.append(f"  ... and {len(result.rows_without_files) - limit} more")
    lines.append(
        f"Files without rows: {len(result.files_without_rows)}"
        + (
            " (harmless: stored while the backup ran, or left by a deleted row)"
            if result.files_without_rows
            else ""
        )
    )
    lines += [f"  {name}" for name in result.files_without_rows[:limit]]
    if len(result.files_without_rows) > limit:
        lines.append(f"  ... and {len(result.files_without_rows) - limit} more")
    return lines


# PostgreSQL tools ------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools (Debian package "
            "postgresql-client), of the server's major version or newer."
        )
    return path


def _libpq(connection: BaseDatabaseWrapper) -> tuple[dict[str, str], list[str]]:
    """The environment and the options that point pg_dump or pg_restore at the database of
    this connection. The password goes in PGPASSWORD, never on the command line."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            env[variable] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    options = settings.get("OPTIONS") or {}
    for option, variable in _LIBPQ_ENVIRONMENT.items():
        if options.get(option) not in (None, ""):
            env[variable] = str(options[option])
    arguments = []
    if settings.get("NAME"):
        env["PGDATABASE"] = str(settings["NAME"])
        arguments.append(f"--dbname={settings['NAME']}")
    if options.get("assume_role"):
        arguments.append(f"--role={options['assume_role']}")
    return env, arguments


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    completed = subprocess.run(  # noqa: S603 - our own arguments, no shell
        command, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()[-5:]
        raise BackupError(f"{what} failed (exit {completed.returncode}): " + " ".join(detail))


_COPY = re.compile(r"^COPY (?P<table>\S+) \((?P<columns>.*)\) FROM stdin;$")
_ESCAPES: Final = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _identifier(text: str) -> str:
    """The last part of a (possibly schema-qualified, possibly quoted) SQL name."""
    parts = re.findall(r'"((?:[^"]|"")*)"|([^."]+)', text)
    quoted, plain = parts[-1]
    return str(quoted).replace('""', '"') if quoted else str(plain)


def _copy_value(raw: str) -> str | None:
    """One field of PostgreSQL's COPY text format, decoded."""
    if raw == r"\N":
        return None
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i = 0
    while i < len(raw):
        char = raw[i]
        if char != "\\" or i + 1 == len(raw):
            out.append(char)
            i += 1
            continue
        following = raw[i + 1]
        if following in _ESCAPES:
            out.append(_ESCAPES[following])
            i += 2
        elif following in "01234567":
            digits = re.match(r"[0-7]{1,3}", raw[i + 1 :])
            assert digits is not None  # noqa: S101 - the first character matched
            out.append(chr(int(digits.group(), 8)))
            i += 1 + len(digits.group())
        elif following == "x" and re.match(r"[0-9a-fA-F]", raw[i + 2 : i + 3]):
            digits = re.match(r"[0-9a-fA-F]{1,2}", raw[i + 2 :])
            assert digits is not None  # noqa: S101 - checked just above
            out.append(chr(int(digits.group(), 16)))
            i += 2 + len(digits.group())
        else:
            out.append(following)
            i += 2
    return "".join(out)


def _postgres_rows(
    dump: Path, wanted: dict[str, list[str]]
) -> Iterator[tuple[str, dict[str, str | None]]]:
    """The rows of these tables in a pg_dump archive, as (table, {column: text}) for the
    wanted columns, read with `pg_restore --data-only` (nothing is restored anywhere)."""
    if not wanted:
        return
    command = [_tool("pg_restore"), "--data-only", "--file=-"]
    command += [f"--table={table}" for table in sorted(wanted)]
    command.append(str(dump))
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        process = subprocess.Popen(  # noqa: S603 - our own arguments, no shell
            command, stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8"
        )
        assert process.stdout is not None  # noqa: S101 - asked for above
        with process.stdout:
            yield from _copy_blocks(process.stdout, wanted)
        if process.wait() != 0:
            errors.seek(0)
            raise BackupError(f"pg_restore could not read {dump}: {errors.read().strip()}")


def _copy_blocks(
    lines: Iterable[str], wanted: dict[str, list[str]]
) -> Iterator[tuple[str, dict[str, str | None]]]:
    """The rows of the wanted tables in a SQL script's COPY blocks."""
    table: str | None = None
    positions: dict[str, int] = {}
    for line in lines:
        line = line.rstrip("\n")
        if table is None:
            match = _COPY.match(line)
            if match:
                name = _identifier(match.group("table"))
                columns = [_identifier(c.strip()) for c in match.group("columns").split(",")]
                if name in wanted:
                    table = name
                    positions = {c: columns.index(c) for c in wanted[name] if c in columns}
            continue
        if line == r"\.":
            table = None
            continue
        fields = line.split("\t")
        yield table, {column: _copy_value(fields[i]) for column, i in positions.items()}


def _sqlite_rows(
    path: Path, wanted: dict[str, list[str]]
) -> Iterator[tuple[str, dict[str, str | None]]]:
    """The rows of these tables in a SQLite file, as (table, {column: value}), read only."""
    database = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        present = {
            row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        for table, columns in sorted(wanted.items()):
            if table not in present:
                continue
            selected = ", ".join('"{}"'.format(c.replace('"', '""')) for c in columns)
            quoted = '"{}"'.format(table.replace('"', '""'))
            for row in database.execute(f"SELECT {selected} FROM {quoted}"):  # noqa: S608
                yield (
                    table,
                    {c: None if v is None else str(v) for c, v in zip(columns, row, strict=True)},
                )
    finally:
        database.close()


def _backup_rows(
    directory: Path, vendor: str, wanted: dict[str, list[str]]
) -> Iterator[tuple[str, dict[str, str | None]]]:
    path = directory / DATABASE_FILES[vendor]
    if vendor == "postgresql":
        return _postgres_rows(path, wanted)
    return _sqlite_rows(path, wanted)


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.display_name}.")
    return connection.vendor


# Backup ----------------------------------------------------------------------------------


def prepare_directory(directory: Path) -> None:
    """Make the backup folder; refuse one that exists and is not empty."""
    if directory.exists():
        if not directory.is_dir():
            raise BackupError(f"{directory} exists and is not a folder.")
        if any(directory.iterdir()):
            raise BackupError(f"{directory} is not empty: give a new or empty folder.")
    directory.mkdir(parents=True, exist_ok=True)


def dump_database(directory: Path, using: str = "default") -> Path:
    """Step 1: copy the database into the backup folder; returns the file written.

    SQLite: the online backup API, a consistent copy while the site runs (then switched out of
    WAL mode, so that the copy is one file). PostgreSQL: `pg_dump --format=custom`, itself one
    consistent snapshot."""
    connection = connections[using]
    vendor = _vendor(connection)
    target = directory / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite could not copy the database: {exc}.") from None
        finally:
            copy.close()
        return target
    env, arguments = _libpq(connection)
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            *arguments,
        ],
        env,
        "pg_dump",
    )
    return target


def _database_vendor(directory: Path) -> str:
    found = [vendor for vendor, name in DATABASE_FILES.items() if (directory / name).is_file()]
    if len(found) != 1:
        raise BackupError(f"{directory} holds no database copy (or more than one).")
    return found[0]


def backup_references(directory: Path, vendor: str | None = None) -> list[Reference]:
    """The rows of the backup's database copy that name a stored file."""
    vendor = vendor or _database_vendor(directory)
    columns = file_columns()
    by_table: dict[str, list[FileColumn]] = {}
    for column in columns:
        by_table.setdefault(column.table, []).append(column)
    wanted = {
        table: sorted({c.pk for c in cols} | {c.column for c in cols})
        for table, cols in by_table.items()
    }
    references = []
    for table, row in _backup_rows(directory, vendor, wanted):
        for column in by_table[table]:
            name = row.get(column.column)
            if name:
                references.append(Reference(column.model, str(row.get(column.pk)), name))
    return references


def _backup_migrations(directory: Path, vendor: str) -> dict[str, str]:
    """The last migration applied to each app, in the backup's database copy."""
    latest: dict[str, tuple[int, str]] = {}
    wanted = {"django_migrations": ["id", "app", "name"]}
    for _table, row in _backup_rows(directory, vendor, wanted):
        number, app, name = int(row["id"] or 0), str(row["app"]), str(row["name"])
        if app not in latest or number > latest[app][0]:
            latest[app] = (number, name)
    return {app: name for app, (_number, name) in sorted(latest.items())}


def copy_media(directory: Path, storage: Storage | None = None) -> list[BackupFile]:
    """Step 2, after the database: copy into `media/` every file the database copy names, then
    every other file in the storage (so one stored since step 1 is not lost). A named file
    that is not in the storage is left out; the check reports its row."""
    storage = storage or default_storage
    referenced = sorted({r.name for r in backup_references(directory)})
    names = referenced + sorted(set(storage_names(storage)) - set(referenced))
    media = directory / MEDIA
    media.mkdir(exist_ok=True)
    copied: list[BackupFile] = []
    for name in names:
        target = media / _safe_name(name)
        if not storage.exists(name):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with storage.open(name, "rb") as source, target.open("wb") as out:
                size, sha256 = _copy_stream(source, out)
        except FileNotFoundError:  # deleted since it was listed
            target.unlink(missing_ok=True)
            continue
        copied.append(BackupFile(name=name, size=size, sha256=sha256))
    return sorted(copied, key=lambda f: f.name)


def _media_names(directory: Path) -> list[str]:
    media = directory / MEDIA
    if not media.is_dir():
        return []
    return sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())


def write_manifest(
    directory: Path, files: list[BackupFile], now: dt.datetime | None = None
) -> dict[str, Any]:
    """Step 3: write `manifest.json`, describing the backup; returns what was written."""
    vendor = _database_vendor(directory)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "file": DATABASE_FILES[vendor]},
        "migrations": _backup_migrations(directory, vendor),
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in files],
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def check_backup(directory: Path) -> CheckResult:
    """The check for a backup: the rows of its database copy against the files in `media/`."""
    return check(backup_references(directory), _media_names(directory))


def make_backup(directory: Path, using: str = "default") -> CheckResult:
    """A whole backup into an empty folder: database, files, manifest; returns the check of
    the backup (a backup whose check is not `ok` is incomplete)."""
    prepare_directory(directory)
    dump_database(directory, using)
    files = copy_media(directory)
    write_manifest(directory, files)
    return check_backup(directory)


# Restore ---------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict[str, Any]:
    """The backup's manifest, refused if missing or of another format."""
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(f"{directory} is not a citycert backup: {MANIFEST} is missing.")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"{path} is not valid JSON: {exc}.") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has format {manifest.get('format')!r}; this citycert reads format "
            f"{FORMAT_VERSION}."
        )
    vendor = manifest.get("database", {}).get("vendor")
    if vendor not in DATABASE_FILES or not (directory / DATABASE_FILES[vendor]).is_file():
        raise BackupError(f"{directory} lacks its database copy.")
    return manifest


def verify_backup(directory: Path, manifest: dict[str, Any]) -> list[BackupFile]:
    """The files of the backup, each checked against the manifest (present, same size and
    sha256), and nothing else in `media/`."""
    files = [BackupFile(f["name"], int(f["size"]), str(f["sha256"])) for f in manifest["files"]]
    media = directory / MEDIA
    problems = []
    for entry in files:
        path = media / _safe_name(entry.name)
        if not path.is_file():
            problems.append(f"missing: {entry.name}")
            continue
        size, sha256 = _hash_file(path)
        if (size, sha256) != (entry.size, entry.sha256):
            problems.append(f"changed since the backup: {entry.name}")
    listed = {f.name for f in files}
    problems += [
        f"not in the manifest: {name}" for name in _media_names(directory) if name not in listed
    ]
    if problems:
        raise BackupError(
            f"The files of {directory} do not match its manifest ("
            + "; ".join(problems[:10])
            + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
            + ")."
        )
    return files


def ensure_empty_database(using: str = "default") -> None:
    """Refuse a database that has any table: a restore goes into an empty one only."""
    connection = connections[using]
    tables = connection.introspection.table_names(include_views=True)
    if tables:
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty ({len(tables)} "
            "tables): restore into a new, empty database."
        )


def media_conflicts(files: list[BackupFile], storage: Storage | None = None) -> list[str]:
    """The backup's files that the storage already holds with other content."""
    storage = storage or default_storage
    return [
        f.name
        for f in files
        if storage.exists(f.name) and _hash_stored(storage, f.name) != f.sha256
    ]


def restore_database(directory: Path, manifest: dict[str, Any], using: str = "default") -> None:
    """Copy the backup's database into the (empty) database of this connection.

    SQLite: the online backup API, from the backup's file into the database. PostgreSQL:
    `pg_restore`, stopping at the first error."""
    connection = connections[using]
    vendor = _vendor(connection)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']['vendor']} database; the database to "
            f"restore into is {connection.display_name}."
        )
    source = directory / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            copy.backup(connection.connection)
        except sqlite3.Error as exc:
            raise BackupError(f"SQLite could not restore the database: {exc}.") from None
        finally:
            copy.close()
        connection.close()
        return
    env, arguments = _libpq(connection)
    connection.close()
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *arguments,
            str(source),
        ],
        env,
        "pg_restore",
    )


def restore_media(
    directory: Path, files: list[BackupFile], storage: Storage | None = None
) -> tuple[int, int]:
    """Copy the backup's files into the storage under their own names; returns how many were
    copied and how many were there already (with the same content)."""
    storage = storage or default_storage
    copied = present = 0
    for entry in files:
        if storage.exists(entry.name):
            if _hash_stored(storage, entry.name) != entry.sha256:
                raise BackupError(f"The storage holds another file named {entry.name}.")
            present += 1
            continue
        with (directory / MEDIA / _safe_name(entry.name)).open("rb") as stream:
            saved = storage.save(entry.name, File(stream, name=entry.name))
        if saved != entry.name:
            raise BackupError(f"The storage saved {entry.name} as {saved}.")
        copied += 1
    return copied, present
