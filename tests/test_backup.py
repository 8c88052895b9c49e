"""`citycert backup` and `citycert restore`: the database first, then the files, then a check.

The round trip is real: the backup is taken from the test database (SQLite's backup API or
pg_dump), and `citycert restore` runs in another process into a database made for the test (a
new SQLite file, or a new PostgreSQL database), with a storage folder of its own; the two are
then compared table by table and file by file. Data must be committed for another process (or
pg_dump) to see it, so these tests run outside the usual test transaction.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from citycert import backup
from citycert.assessments import services as assessment_services
from citycert.assessments.models import Evidence
from citycert.cities.models import City
from citycert.public.services import refresh
from citycert.reports.models import ReportFile
from citycert.reviews import appeals
from citycert.reviews import services as review_services
from citycert.reviews.models import AppealFile
from citycert.standards.services import load_files
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = connection.vendor == "postgresql"
#: Tables compared row by row after a restore (every table is compared by its row count).
KEY_TABLES = (
    "cities_city",
    "assessments_assessment",
    "assessments_evidence",
    "reviews_appealfile",
    "reports_reportfile",
    "django_migrations",
)


def pdf(label: str) -> bytes:
    """A small PDF whose bytes differ per label, so that swapped files would show."""
    return f.TINY_PDF + f"%{label}\n".encode()


def stored(evidence: Evidence) -> str:
    """The storage name of an evidence file."""
    return str(evidence.file.name)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree(root: Path) -> dict[str, str]:
    """Every file under `root`, by its path relative to it, with its sha256."""
    return {
        p.relative_to(root).as_posix(): sha256(p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """A storage folder of this test's own (the default one is shared by a worker's tests)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def _pg_params(name: str) -> dict[str, Any]:
    s = connection.settings_dict
    params = {"dbname": name, "user": s["USER"], "host": s["HOST"], "port": s["PORT"]}
    if s["PASSWORD"]:
        params["password"] = s["PASSWORD"]
    return {k: v for k, v in params.items() if v not in (None, "")}


@dataclass
class Target:
    """A fresh database and storage folder to restore into, and a way to read them."""

    url: str
    media: Path
    var: Path
    connect: Callable[[], Any]  # a DB-API connection to the restored database


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Target]:
    """An empty database of the test database's kind (dropped afterwards) and an empty folder."""
    restored = tmp_path / "restored"
    (restored / "media").mkdir(parents=True)
    if not POSTGRES:
        path = restored / "citycert.sqlite3"
        detect = connection.get_connection_params()["detect_types"]
        yield Target(
            url=f"sqlite:///{path}",
            media=restored / "media",
            var=restored / "var",
            connect=lambda: sqlite3.connect(path, detect_types=detect),
        )
        return
    import psycopg

    name = f"citycert_restore_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(**_pg_params("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        credentials += ":" + quote(s["PASSWORD"], safe="")
    try:
        yield Target(
            url=f"postgres://{credentials}@{s['HOST']}:{s['PORT'] or 5432}/{name}",
            media=restored / "media",
            var=restored / "var",
            connect=lambda: psycopg.connect(**_pg_params(name)),
        )
    finally:
        with psycopg.connect(**_pg_params("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def source_connection() -> Any:
    """A DB-API connection to the test database, of the same kind as `Target.connect` gives."""
    if POSTGRES:
        import psycopg

        return psycopg.connect(**_pg_params(connection.settings_dict["NAME"]))
    connection.ensure_connection()
    return connection.connection


def tables(db: Any) -> list[str]:
    sql = (
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        if POSTGRES
        else "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%' ORDER BY 1"
    )
    return [row[0] for row in db.execute(sql).fetchall()]


def rows(db: Any, table: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()]  # noqa: S608


def count(db: Any, table: str) -> int:
    return int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])  # noqa: S608


def restore(directory: Path, into: Target) -> subprocess.CompletedProcess[str]:
    """`citycert restore DIR` in another process, with the project's own settings, pointed at
    the target database and storage folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3_") and k != "CACHE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="citycert.settings",
        DEBUG="false",
        SECRET_KEY="tests-only-restore-" + "k" * 40,
        DATABASE_URL=into.url,
        MEDIA_ROOT=str(into.media),
        CITYCERT_VAR_DIR=str(into.var),
    )
    return subprocess.run(
        [sys.executable, "-m", "citycert.cli", "restore", str(directory)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=300,
    )


def take_backup(directory: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(directory), stdout=out)
    return out.getvalue()


def draft_with_evidence() -> tuple[Any, Any, Evidence]:
    """A city with an assessment being filled in, one answer carrying one evidence file."""
    load_files()
    city = f.city("Archiveton")
    lead = f.lead(city).user
    assessment = assessment_services.start(city, lead)
    answer = assessment.answers.get(criterion__code="DM1")
    evidence = assessment_services.add_evidence(answer, io.BytesIO(pdf("dm1")), "plan.pdf", lead)
    return answer, lead, evidence


def whole_record() -> None:
    """Every kind of stored file: evidence of a decided, appealed assessment (with the appeal's
    file) and of the current one, and a report PDF; the public listings built once (as on a
    live site, so the restore's rebuild has the same rows to make)."""
    load_files()
    admin = f.person(admin=True, mfa=True)
    city = f.city("Backupville")
    lead = f.lead(city).user
    earlier = f.assessment_of(city, lead, claimed=25)
    for code in ("DM1", "DM2"):
        assessment_services.add_evidence(
            earlier.answers.get(criterion__code=code), io.BytesIO(pdf(code)), f"{code}.pdf", lead
        )
    assessment_services.submit(earlier, lead)
    reviewer = f.person(reviewer=True, mfa=True)
    f.assign(earlier, reviewer)
    review_services.validate(
        earlier, reviewer, dict.fromkeys(f.claimed_codes(earlier), ("validated", ""))
    )
    review_services.decide(
        earlier,
        level="silver",
        rationale="Met.",
        difference_reason="",
        cohort_label="2025-06",
        by=admin,
    )
    appeals.lodge(
        earlier,
        grounds=["factual"],
        statement="DM9 was met.",
        by=lead,
        files=[(io.BytesIO(pdf("appeal")), "minutes.pdf")],
    )
    current = f.assessment_of(city, lead, claimed=30)
    assessment_services.add_evidence(
        current.answers.get(criterion__code="DM3"), io.BytesIO(pdf("dm3")), "DM3.pdf", lead
    )
    report = ReportFile(
        city=city,
        assessment=current,
        language="en",
        status=ReportFile.Status.READY,
        size=len(f.TINY_PDF),
        finished_at=timezone.now(),
    )
    report.file.save("report.pdf", ContentFile(pdf("report")))
    refresh()


def latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("id").values_list("app", "name"):
        latest[app] = name
    return dict(sorted(latest.items()))


def test_every_file_field_of_the_project_is_covered() -> None:
    found = {(c.model, c.column) for c in backup.file_columns()}
    assert {
        ("assessments.Evidence", "file"),
        ("reviews.AppealFile", "file"),
        ("reports.ReportFile", "file"),
    } <= found


def test_a_backup_restored_into_a_fresh_database_is_the_same_record(
    media: Path, tmp_path: Path, target: Target
) -> None:
    whole_record()
    assert Evidence.objects.count() == 3
    assert AppealFile.objects.count() == 1
    directory = tmp_path / "backup"

    output = take_backup(directory)

    assert "Rows without files: 0" in output
    assert "Files without rows: 0" in output
    manifest = json.loads((directory / "manifest.json").read_text())
    assert manifest["format"] == backup.FORMAT_VERSION
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["migrations"] == latest_migrations()
    original = tree(media)
    assert len(original) == 5  # three evidence files, the appeal's file, the report
    assert {e["name"]: e["sha256"] for e in manifest["files"]} == original
    assert tree(directory / "media") == original

    done = restore(directory, target)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Rows without files: 0" in done.stdout
    assert "Traceback" not in done.stderr
    assert tree(target.media) == original
    source, restored = source_connection(), target.connect()
    try:
        assert tables(restored) == tables(source)
        assert {t: count(restored, t) for t in tables(source)} == {
            t: count(source, t) for t in tables(source)
        }
        for table in KEY_TABLES:
            assert rows(restored, table) == rows(source, table), table
            assert rows(source, table), f"{table} has no rows: the comparison would prove little"
        # Each restored evidence row finds its own file, with the checksum the row recorded.
        for name, recorded in restored.execute(
            "SELECT file, sha256 FROM assessments_evidence"
        ).fetchall():
            assert sha256((target.media / name).read_bytes()) == recorded
    finally:
        restored.close()
        if POSTGRES:
            source.close()


def test_a_file_stored_after_the_database_step_is_kept_as_a_file_without_a_row(
    media: Path, tmp_path: Path, target: Target
) -> None:
    answer, lead, evidence = draft_with_evidence()
    directory = tmp_path / "backup"
    backup.prepare_directory(directory)

    backup.dump_database(directory)
    late = assessment_services.add_evidence(answer, io.BytesIO(pdf("late")), "late.pdf", lead)
    files = backup.copy_media(directory)
    backup.write_manifest(directory, files)
    result = backup.check_backup(directory)

    assert result.ok
    assert [r.name for r in backup.backup_references(directory)] == [stored(evidence)]
    assert result.files_without_rows == [stored(late)]
    assert (directory / "media" / stored(late)).read_bytes() == pdf("late")
    assert {f.name for f in files} == {stored(evidence), stored(late)}

    done = restore(directory, target)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Files without rows: 1" in done.stdout
    assert stored(late) in done.stdout
    assert (target.media / stored(late)).read_bytes() == pdf("late")
    restored = target.connect()
    try:
        names = [r[0] for r in restored.execute("SELECT file FROM assessments_evidence")]
    finally:
        restored.close()
    assert names == [stored(evidence)]


def test_a_row_whose_file_is_missing_fails_the_backup_and_the_check(
    media: Path, tmp_path: Path
) -> None:
    _answer, _lead, evidence = draft_with_evidence()
    default_storage.delete(stored(evidence))
    default_storage.save("evidence/orphan", ContentFile(b"left behind"))
    out = io.StringIO()

    with pytest.raises(CommandError, match="THE BACKUP IS INCOMPLETE") as failed:
        call_command("backup", str(tmp_path / "backup"), stdout=out)

    assert failed.value.returncode != 0
    assert "Rows without files: 1" in out.getvalue()
    assert f"assessments.Evidence {evidence.pk}: {stored(evidence)}" in out.getvalue()
    assert "evidence/orphan" in out.getvalue()

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 rows name a file that is missing"):
        call_command("backup", "--check-only", stdout=out)
    assert f"assessments.Evidence {evidence.pk}: {stored(evidence)}" in out.getvalue()
    assert "Files without rows: 1" in out.getvalue()
    assert "evidence/orphan" in out.getvalue()


def test_the_live_check_passes_when_every_row_has_its_file(media: Path) -> None:
    _answer, _lead, evidence = draft_with_evidence()
    out = io.StringIO()
    call_command("backup", "--check-only", stdout=out)
    assert "Rows without files: 0\nFiles without rows: 0" in out.getvalue()
    assert backup.check_live().ok
    assert backup.live_references()[0].name == stored(evidence)


def test_restore_refuses_a_database_that_is_not_empty(media: Path, tmp_path: Path) -> None:
    draft_with_evidence()
    directory = tmp_path / "backup"
    take_backup(directory)
    before = (City.objects.count(), Evidence.objects.count(), tree(media))

    with pytest.raises(CommandError, match="is not empty") as refused:
        call_command("restore", str(directory), stdout=io.StringIO())

    assert "Nothing was restored" in str(refused.value)
    assert (City.objects.count(), Evidence.objects.count(), tree(media)) == before


def test_restore_refuses_a_storage_holding_other_files_of_the_same_names(
    media: Path, tmp_path: Path, target: Target
) -> None:
    _answer, _lead, evidence = draft_with_evidence()
    directory = tmp_path / "backup"
    take_backup(directory)
    clash = target.media / stored(evidence)
    clash.parent.mkdir(parents=True)
    clash.write_bytes(b"another file")

    done = restore(directory, target)

    assert done.returncode != 0
    assert "other content" in done.stderr
    assert "Traceback" not in done.stderr
    assert clash.read_bytes() == b"another file"
    restored = target.connect()
    try:
        assert tables(restored) == []  # the database was not touched
    finally:
        restored.close()


def test_restore_refuses_a_backup_whose_files_changed(media: Path, tmp_path: Path) -> None:
    _answer, _lead, evidence = draft_with_evidence()
    directory = tmp_path / "backup"
    take_backup(directory)
    (directory / "media" / stored(evidence)).write_bytes(b"tampered")

    with pytest.raises(CommandError, match="changed since the backup"):
        call_command("restore", str(directory), stdout=io.StringIO())


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("here")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path), stdout=io.StringIO())
    assert [p.name for p in tmp_path.iterdir()] == ["something"]


def test_backup_needs_a_folder_or_check_only(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Give the folder"):
        call_command("backup", stdout=io.StringIO())
    with pytest.raises(CommandError, match="takes no folder"):
        call_command("backup", str(tmp_path), "--check-only", stdout=io.StringIO())


@pytest.mark.skipif(not POSTGRES, reason="pg_dump is used with PostgreSQL only")
def test_a_missing_pg_dump_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools-here"))
    with pytest.raises(CommandError, match="pg_dump is not installed"):
        call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (r"\N", None),
        ("evidence/1/abc", "evidence/1/abc"),
        (r"a\tb\\c\nd", "a\tb\\c\nd"),
        (r"\101\x42", "AB"),
    ],
)
def test_copy_text_is_decoded(raw: str, value: str | None) -> None:
    assert backup._copy_value(raw) == value
