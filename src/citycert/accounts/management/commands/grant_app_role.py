"""`citycert grant_app_role ROLE`: let the application's PostgreSQL role use the tables.

Run it as the role that owns the tables (the one that runs `citycert migrate`), after each
`migrate`. The application role may then read and write rows, and nothing else: it cannot
alter, drop or truncate tables, nor disable or drop the triggers that keep published
certifications and cohorts unchanged. See "Database roles" in docs/operations.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from psycopg import sql

# The schemas holding the tables Django sees (those on the search path), and the one it
# creates new tables in.
SCHEMAS = """
    SELECT DISTINCT n.nspname
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND pg_catalog.pg_table_is_visible(c.oid)
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname !~ '^pg_'
    UNION
    SELECT current_schema()
"""
TABLE_PRIVILEGES = sql.SQL("SELECT, INSERT, UPDATE, DELETE")
SEQUENCE_PRIVILEGES = sql.SQL("USAGE, SELECT")


class Command(BaseCommand):
    help = (
        "Grant a PostgreSQL role what the web server and worker need (connect; select, insert, "
        "update and delete rows; use sequences), and nothing more. Run it as the owner of the "
        "tables after each migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the application's role, e.g. citycert_app")
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help='the database connection to grant on (default: "default")',
        )

    def handle(self, *args: Any, role: str, database: str, **options: Any) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"grant_app_role is for PostgreSQL only; this database is {connection.vendor}, "
                "which has no roles, so there is nothing to grant and it is not needed."
            )
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, pg_has_role(%s, current_user, 'MEMBER'), current_user, "
                "current_database() FROM pg_catalog.pg_roles WHERE rolname = %s",
                [role, role],
            )
            found = cursor.fetchone()
            if found is None:
                raise CommandError(
                    f'there is no role "{role}"; create it first (CREATE ROLE ... LOGIN)'
                )
            superuser, member_of_owner, owner, dbname = found
            if role == owner:
                raise CommandError(
                    f'"{role}" is the role running this command, which owns the tables; '
                    "give the application a role of its own"
                )
            if superuser:
                raise CommandError(
                    f'"{role}" is a superuser: it could drop or disable the triggers anyway; '
                    "give the application an ordinary role"
                )
            if member_of_owner:
                raise CommandError(
                    f'"{role}" is a member of "{owner}", which owns the tables, and so has its '
                    "rights; give the application a role outside it"
                )
            cursor.execute(SCHEMAS)
            schemas = sorted(row[0] for row in cursor.fetchall() if row[0] is not None)

            grantee = sql.Identifier(role)
            statements = [
                sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                    sql.Identifier(dbname), grantee
                )
            ]
            for name in schemas:
                schema = sql.Identifier(name)
                statements += [
                    sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, grantee),
                    sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(
                        TABLE_PRIVILEGES, schema, grantee
                    ),
                    sql.SQL("GRANT {} ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                        SEQUENCE_PRIVILEGES, schema, grantee
                    ),
                    # Tables and sequences that later migrations create (as this role).
                    sql.SQL(
                        "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}"
                    ).format(schema, TABLE_PRIVILEGES, grantee),
                    sql.SQL(
                        "ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON SEQUENCES TO {}"
                    ).format(schema, SEQUENCE_PRIVILEGES, grantee),
                ]
            raw = connection.connection
            for statement in statements:
                text = statement.as_string(raw)
                cursor.execute(text)
                self.stdout.write(text)

            cursor.execute(
                "SELECT n FROM unnest(%s::text[]) AS n WHERE has_schema_privilege(%s, n, 'CREATE')",
                [schemas, role],
            )
            creatable = [row[0] for row in cursor.fetchall()]
        self.stdout.write(
            f'"{role}" may now read and write rows in {dbname} (schemas: {", ".join(schemas)}), '
            "and nothing more: it owns nothing and cannot alter tables or their triggers."
        )
        if creatable:
            self.stderr.write(
                f'Warning: "{role}" may still create tables in {", ".join(creatable)}, through a '
                "grant this command did not make (PUBLIC's, by default before PostgreSQL 15). "
                "As the owner, run: REVOKE CREATE ON SCHEMA public FROM PUBLIC"
            )
