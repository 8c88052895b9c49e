from __future__ import annotations

import os

import pytest

from citycert.standards.services import load_files


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--cluster",
        action="store_true",
        help="run the tests of the running cluster (make cluster; see tests/cluster/)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The cluster tests need `make cluster` running: skipped unless asked for."""
    if config.getoption("--cluster") or os.environ.get("CITYCERT_CLUSTER") == "1":
        return
    skip = pytest.mark.skip(reason="needs the cluster: make test-cluster (or --cluster)")
    for item in items:
        if item.get_closest_marker("cluster"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fresh_state() -> None:
    """Each test starts with an empty cache (cached public pages belong to one database) and
    the default language (a request in another language leaves it active in the thread)."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    from citycert.public import local

    cache.clear()
    local.clear()  # this process's own tier too: its keys name revisions another test made
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def standard(db: None) -> None:
    """Every shipped standard version, loaded into the test database."""
    load_files()


def clear_published_certifications() -> None:
    """Let a flushing test clean up: published certifications are protected by triggers.

    PostgreSQL's flush is TRUNCATE, which row triggers do not see; SQLite's is DELETE, so the
    triggers are dropped for the clean-up and put back, as the migration wrote them.
    """
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module(
        "citycert.reviews.migrations.0003_published_certifications_are_immutable"
    )
    with connection.cursor() as cursor:
        for sql in migration.SQLITE_REVERSE:
            cursor.execute(sql)
        # Rows that point at certifications go first.
        for table in (
            "reviews_renewalreminder",
            "reviews_panelist",
            "reviews_appealfile",
            "reviews_appeal",
            "reviews_decision",
            "reviews_certification",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        for sql in migration.SQLITE:
            cursor.execute(sql)


@pytest.fixture
def published_cleanup(transactional_db: None):  # type: ignore[no-untyped-def]
    """For tests that publish certifications and flush the database afterwards."""
    yield
    clear_published_certifications()
