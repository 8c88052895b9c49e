"""The database itself refuses to change or delete a published cohort.

Once a cohort's `published_at` is set, none of the columns it has now (its label, when it was
published, its id and when it was made) may change, and the row cannot be deleted. Setting
`published_at` on an unpublished cohort (publishing it) is allowed, and an unpublished cohort
may still change or be deleted. Saving a published cohort with its values unchanged is allowed.
A column added by a later migration is not covered unless that migration says so.

On SQLite (the embedded database for development) only changes are refused by a trigger: Django's
`flush`, which the tests use between transactional tests, empties SQLite tables with DELETE, so a
delete trigger would stop it. Deleting a published cohort through the application is refused on
every database by `refuse_deleting_published` (a `pre_delete` receiver); on PostgreSQL the trigger
below refuses it in raw SQL as well (`flush` there uses TRUNCATE, which row triggers ignore, and
the application's role is given no TRUNCATE).
"""

from django.db import migrations

# Written out, not imported: a migration must not change when the models do.
MESSAGE = "a published cohort cannot be changed or deleted; correct its certifications instead"

POSTGRESQL = [
    f"""
    CREATE FUNCTION reviews_cohort_immutable() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.published_at IS NOT NULL THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN OLD;
        END IF;
        IF OLD.published_at IS NOT NULL AND (
            NEW.label IS DISTINCT FROM OLD.label
            OR NEW.published_at IS DISTINCT FROM OLD.published_at
            OR NEW.id IS DISTINCT FROM OLD.id
            OR NEW.created_at IS DISTINCT FROM OLD.created_at
        ) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER reviews_cohort_immutable
    BEFORE UPDATE OR DELETE ON reviews_cohort
    FOR EACH ROW EXECUTE FUNCTION reviews_cohort_immutable();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER reviews_cohort_immutable ON reviews_cohort;",
    "DROP FUNCTION reviews_cohort_immutable();",
]
SQLITE = [
    f"""
    CREATE TRIGGER reviews_cohort_immutable_update
    BEFORE UPDATE ON reviews_cohort
    WHEN OLD.published_at IS NOT NULL AND (
        NEW.label IS NOT OLD.label
        OR NEW.published_at IS NOT OLD.published_at
        OR NEW.id IS NOT OLD.id
        OR NEW.created_at IS NOT OLD.created_at
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER reviews_cohort_immutable_update;"]


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
    dependencies = [("reviews", "0010_renewal_reminders")]
    operations = [migrations.RunPython(forwards, backwards)]
