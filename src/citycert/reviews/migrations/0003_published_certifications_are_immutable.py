"""The database itself refuses to change or delete a published certification."""

from django.db import migrations

MESSAGE = "a published certification cannot be changed; record a correction that supersedes it"

POSTGRESQL = [
    f"""
    CREATE FUNCTION reviews_certification_immutable() RETURNS trigger AS $$
    BEGIN
        IF OLD.published_at IS NOT NULL THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER reviews_certification_immutable
    BEFORE UPDATE OR DELETE ON reviews_certification
    FOR EACH ROW EXECUTE FUNCTION reviews_certification_immutable();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER reviews_certification_immutable ON reviews_certification;",
    "DROP FUNCTION reviews_certification_immutable();",
]
SQLITE = [
    f"""
    CREATE TRIGGER reviews_certification_immutable_update
    BEFORE UPDATE ON reviews_certification WHEN OLD.published_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER reviews_certification_immutable_delete
    BEFORE DELETE ON reviews_certification WHEN OLD.published_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER reviews_certification_immutable_update;",
    "DROP TRIGGER reviews_certification_immutable_delete;",
]


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    reverse = (
        POSTGRESQL_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for sql in reverse:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0002_certifications")]
    operations = [migrations.RunPython(forwards, backwards)]
