"""Least privilege: the web server and worker run as a PostgreSQL role that does not own the
tables. `citycert grant_app_role` lets it read and write rows, and nothing more: it cannot
alter tables, nor disable, drop or replace the triggers that keep the record unchanged.

Roles exist only on PostgreSQL: these tests are skipped on SQLite (CI runs the suite again
with DATABASE_URL set to PostgreSQL, where they run).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from psycopg import errors, sql

from citycert.reviews.models import Cohort

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="database roles exist only on PostgreSQL (run with DATABASE_URL=postgres://...)",
)
COHORT_MESSAGE = importlib.import_module(
    "citycert.reviews.migrations.0011_published_cohorts_are_immutable"
).MESSAGE
DML = {"SELECT", "INSERT", "UPDATE", "DELETE"}


def owner_executes(statement: sql.Composable) -> None:
    """Run `statement` on the test's own connection (the owner of the tables)."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(connection.connection))


def grant(role: str) -> str:
    out = StringIO()
    call_command("grant_app_role", role, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def app_role(transactional_db: None) -> Iterator[str]:
    """A new login role, named for this run and worker alone (roles belong to the whole
    PostgreSQL server, which parallel workers share), dropped at the end."""
    name = f"citycert_app_test_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    owner_executes(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        owner_executes(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        owner_executes(sql.SQL("DROP ROLE {}").format(sql.Identifier(name)))


def connect_as(role: str) -> psycopg.Connection[Any]:
    """A connection of its own to the test database, as `role` (trust authentication)."""
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


@pytest.fixture
def as_app(app_role: str) -> Iterator[psycopg.Connection[Any]]:
    grant(app_role)
    with connect_as(app_role) as app:
        yield app


def refused(app: psycopg.Connection[Any], statement: str) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        app.execute(statement)  # type: ignore[call-overload]


@postgresql_only
def test_the_app_role_reads_and_writes_rows(as_app: psycopg.Connection[Any]) -> None:
    assert as_app.execute("SELECT current_user").fetchone() == (as_app.info.user,)
    as_app.execute("SELECT count(*) FROM django_session").fetchone()
    as_app.execute(
        "INSERT INTO django_session (session_key, session_data, expire_date) "
        "VALUES ('k' || md5(random()::text), 'x', now())"
    )
    as_app.execute("SELECT count(*) FROM cities_city").fetchone()
    # A new row takes its id from the table's sequence.
    row = as_app.execute(
        "INSERT INTO reviews_cohort (label, created_at) VALUES ('2031-01', now()) RETURNING id"
    ).fetchone()
    assert row is not None
    (pk,) = row
    as_app.execute("UPDATE reviews_cohort SET label = '2031-02' WHERE id = %s", [pk])
    as_app.execute("DELETE FROM reviews_cohort WHERE id = %s", [pk])
    assert not Cohort.objects.filter(pk=pk).exists()


@postgresql_only
def test_the_app_role_cannot_touch_the_tables_or_their_triggers(
    as_app: psycopg.Connection[Any],
) -> None:
    refused(as_app, "ALTER TABLE reviews_certification DISABLE TRIGGER ALL")
    refused(as_app, "ALTER TABLE reviews_certification DISABLE TRIGGER USER")
    refused(as_app, "DROP TRIGGER reviews_certification_immutable ON reviews_certification")
    refused(as_app, "ALTER TABLE reviews_cohort DISABLE TRIGGER reviews_cohort_immutable")
    refused(as_app, "DROP TRIGGER reviews_cohort_immutable ON reviews_cohort")
    refused(as_app, "DROP FUNCTION reviews_cohort_immutable()")
    refused(
        as_app,
        "CREATE OR REPLACE FUNCTION reviews_cohort_immutable() RETURNS trigger "
        "AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
    )
    refused(as_app, "SET session_replication_role = replica")
    refused(as_app, "ALTER TABLE reviews_cohort ADD COLUMN note text")
    refused(as_app, "DROP TABLE reviews_certification")
    refused(as_app, "TRUNCATE reviews_certification")
    refused(as_app, "CREATE TABLE public.citycert_app_made (id int)")


@postgresql_only
def test_the_triggers_still_refuse_the_app_role(as_app: psycopg.Connection[Any]) -> None:
    published = Cohort.objects.create(label="2024-02", published_at=timezone.now())
    with pytest.raises(errors.IntegrityConstraintViolation, match=COHORT_MESSAGE):
        as_app.execute("UPDATE reviews_cohort SET label = '2024-03' WHERE id = %s", [published.pk])
    with pytest.raises(errors.IntegrityConstraintViolation, match=COHORT_MESSAGE):
        as_app.execute("DELETE FROM reviews_cohort WHERE id = %s", [published.pk])
    assert Cohort.objects.get(pk=published.pk).label == "2024-02"


@postgresql_only
def test_it_grants_row_rights_only_and_again_on_each_run(app_role: str) -> None:
    said = grant(app_role)
    assert said == grant(app_role)  # idempotent: the same grants, no error
    assert f'GRANT CONNECT ON DATABASE "{connection.settings_dict["NAME"]}"' in said
    assert f'GRANT USAGE ON SCHEMA "public" TO "{app_role}"' in said
    assert "ALTER DEFAULT PRIVILEGES" in said
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s",
            [app_role],
        )
        assert {row[0] for row in cursor.fetchall()} == DML
        cursor.execute(
            "SELECT DISTINCT a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a "
            "WHERE a.grantee = %s::regrole",
            [app_role],
        )
        assert {row[0] for row in cursor.fetchall()} == {"USAGE"}
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
            "WHERE r.rolname = %s",
            [app_role],
        )
        assert cursor.fetchone() == (0,)


@postgresql_only
def test_tables_made_by_later_migrations_are_covered(app_role: str) -> None:
    grant(app_role)
    table = sql.Identifier(f"later_{uuid.uuid4().hex[:12]}")
    owner_executes(
        sql.SQL("CREATE TABLE {} (id bigint GENERATED BY DEFAULT AS IDENTITY, note text)").format(
            table
        )
    )
    try:
        with connect_as(app_role) as app:
            app.execute(sql.SQL("INSERT INTO {} (note) VALUES ('new')").format(table))
            assert app.execute(sql.SQL("SELECT note FROM {}").format(table)).fetchall() == [
                ("new",)
            ]
            with pytest.raises(errors.InsufficientPrivilege):
                app.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER ALL").format(table))
    finally:
        owner_executes(sql.SQL("DROP TABLE {}").format(table))


@postgresql_only
def test_roles_that_would_defeat_the_point_are_refused(app_role: str) -> None:
    with pytest.raises(CommandError, match="there is no role"):
        grant(f"{app_role}_missing")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone() or ("",)
    with pytest.raises(CommandError, match="owns the tables"):
        grant(owner)


@pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite case only")
def test_on_sqlite_it_says_it_is_not_needed(db: None) -> None:
    with pytest.raises(CommandError, match=r"PostgreSQL only.*not needed"):
        grant("citycert_app")


APP_SCRIPT = """
import json
from django.test import Client
from django.test.utils import setup_test_environment
from citycert.reviews.history import publish_cohort
from citycert.reviews.models import Cohort

setup_test_environment()
cohort = publish_cohort(Cohort.objects.get(label="2026-08"))
client = Client()
pages = {}
for url in ["/", "/cohorts/2026-08/", "/cities/%(slug)s/", "/badge/%(slug)s.svg", "/data/"]:
    response = client.get(url, follow=True)
    pages[url] = [response.status_code, "Valdivia" in response.content.decode()]
try:
    Cohort.objects.filter(pk=cohort.pk).update(label="1999")
    refused = ""
except Exception as exc:
    refused = str(exc)
print(json.dumps({"pages": pages, "refused": refused}))
"""


@postgresql_only
def test_the_app_works_as_the_app_role(app_role: str, standard: None, tmp_path: Path) -> None:
    from tests.public.conftest import decide

    grant(app_role)
    decision = decide("Valdivia", "CL", validated=31, level="gold", cohort="2026-08")
    slug = decision.assessment.city.slug
    settings = connection.settings_dict
    host = settings["HOST"] or "localhost"
    port = settings["PORT"] or 5432
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{app_role}@{host}:{port}/{settings['NAME']}",
        "DJANGO_SETTINGS_MODULE": "citycert.settings",
        "DEBUG": "true",
        "CITYCERT_VAR_DIR": str(tmp_path),
    }

    def citycert(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "citycert.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    checked = citycert("check", "--database", "default")
    assert checked.returncode == 0, checked.stderr
    ran = citycert("shell", "-c", APP_SCRIPT % {"slug": slug})
    assert ran.returncode == 0, ran.stderr
    said = json.loads(ran.stdout.strip().splitlines()[-1])
    assert {status for status, _named in said["pages"].values()} == {200}, said
    assert said["pages"]["/cohorts/2026-08/"] == [200, True]  # published, as the app role
    assert said["pages"][f"/cities/{slug}/"] == [200, True]
    assert COHORT_MESSAGE in said["refused"]
    assert Cohort.objects.get(label="2026-08").published_at is not None
