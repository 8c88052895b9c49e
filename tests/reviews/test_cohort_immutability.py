"""The database refuses to change a published cohort, through the ORM and in raw SQL, on SQLite
and PostgreSQL alike; deleting one is refused through the ORM everywhere and in raw SQL on
PostgreSQL. An unpublished cohort may still change, be deleted, and be published."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from citycert.reviews.history import publish_cohort
from citycert.reviews.models import Cohort

pytestmark = pytest.mark.django_db

MESSAGE = importlib.import_module(
    "citycert.reviews.migrations.0011_published_cohorts_are_immutable"
).MESSAGE
PUBLISHED = dt.datetime(2024, 2, 1, 12, tzinfo=dt.UTC)


def refused(change: Callable[[], object]) -> None:
    """`change` fails in the database, saying why."""
    with pytest.raises((IntegrityError, DatabaseError)) as caught, transaction.atomic():
        change()
    assert MESSAGE in str(caught.value)


def sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def published() -> Cohort:
    return Cohort.objects.create(label="2024-02", published_at=PUBLISHED)


def unchanged(cohort: Cohort) -> None:
    stored = Cohort.objects.get(pk=cohort.pk)
    assert (stored.label, stored.published_at) == ("2024-02", PUBLISHED)


def test_the_label_of_a_published_cohort_cannot_change(published: Cohort) -> None:
    refused(lambda: Cohort.objects.filter(pk=published.pk).update(label="2024-03"))
    published.label = "2024-03"
    refused(published.save)
    refused(
        lambda: sql("UPDATE reviews_cohort SET label = %s WHERE id = %s", "2024-03", published.pk)
    )
    unchanged(published)


def test_when_a_published_cohort_was_published_cannot_change(published: Cohort) -> None:
    later = PUBLISHED + dt.timedelta(days=1)
    refused(lambda: Cohort.objects.filter(pk=published.pk).update(published_at=later))
    refused(lambda: Cohort.objects.filter(pk=published.pk).update(published_at=None))
    published.published_at = later
    refused(lambda: published.save(update_fields=["published_at"]))
    refused(
        lambda: sql(
            "UPDATE reviews_cohort SET published_at = %s WHERE id = %s", later, published.pk
        )
    )
    refused(
        lambda: sql("UPDATE reviews_cohort SET published_at = NULL WHERE id = %s", published.pk)
    )
    unchanged(published)


def test_a_published_cohort_cannot_be_deleted(published: Cohort) -> None:
    refused(published.delete)
    refused(lambda: Cohort.objects.filter(pk=published.pk).delete())
    refused(lambda: Cohort.objects.all().delete())
    unchanged(published)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the delete trigger is PostgreSQL's")
def test_nor_deleted_in_raw_sql_on_postgresql(published: Cohort) -> None:
    refused(lambda: sql("DELETE FROM reviews_cohort WHERE id = %s", published.pk))
    refused(lambda: sql("DELETE FROM reviews_cohort"))
    unchanged(published)


def test_saving_a_published_cohort_unchanged_is_harmless(published: Cohort) -> None:
    Cohort.objects.get(pk=published.pk).save()
    sql("UPDATE reviews_cohort SET label = label WHERE id = %s", published.pk)
    unchanged(published)


def test_an_unpublished_cohort_may_change_and_be_deleted() -> None:
    draft = Cohort.objects.create(label="2026-05")
    Cohort.objects.filter(pk=draft.pk).update(label="2026-06")
    sql("UPDATE reviews_cohort SET label = %s WHERE id = %s", "2026-07", draft.pk)
    assert Cohort.objects.get(pk=draft.pk).label == "2026-07"
    draft.delete()
    other = Cohort.objects.create(label="2026-08")
    sql("DELETE FROM reviews_cohort WHERE id = %s", other.pk)
    assert not Cohort.objects.exists()


def test_publishing_a_cohort_still_works_and_then_it_is_fixed() -> None:
    through_service = publish_cohort(Cohort.objects.create(label="2026-06"))
    assert through_service.published_at is not None
    # As the demo loader dates a cohort back: set from nothing, in one UPDATE.
    dated = Cohort.objects.create(label="2023-03")
    Cohort.objects.filter(pk=dated.pk).update(published_at=PUBLISHED)
    in_sql = Cohort.objects.create(label="2026-07")
    sql("UPDATE reviews_cohort SET published_at = %s WHERE id = %s", timezone.now(), in_sql.pk)
    for cohort in (through_service, dated, in_sql):
        refused(lambda c=cohort: Cohort.objects.filter(pk=c.pk).update(label="1999"))
        refused(lambda c=cohort: Cohort.objects.filter(pk=c.pk).delete())
    assert Cohort.objects.filter(published_at__isnull=False).count() == 3
