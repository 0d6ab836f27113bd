"""Shared database fixtures: a throwaway PostgreSQL server, and freshly migrated databases.

For any test suite:
- `postgres_url` (session): a superuser URL of a running PostgreSQL server, from
  BUDDY_TEST_POSTGRES_URL or a cluster started here with initdb/pg_ctl. Without PostgreSQL the
  tests that need it are skipped, unless BUDDY_REQUIRE_POSTGRES=1 (CI) makes that a failure.
- `database_url`, parametrised ["sqlite", "postgresql"]: the URL of a new database for one test,
  migrated to head and empty (a copy of a template migrated once per session, so it is fast).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import create_engine

from bot.store.database import make_engine, normalise_database_url, upgrade_to_head
from tests.pg import (
    PostgresCluster,
    create_postgres_database,
    drop_postgres_database,
    find_postgres_bin,
    unique_database_name,
)

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()


def _postgres_unavailable(reason: str) -> NoReturn:
    if os.environ.get("BUDDY_REQUIRE_POSTGRES") == "1":
        pytest.fail(
            f"PostgreSQL is required (BUDDY_REQUIRE_POSTGRES=1) but {reason}", pytrace=False
        )
    print(f"\nskipping the PostgreSQL tests: {reason}")
    pytest.skip(f"no PostgreSQL: {reason}")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A superuser URL of a running PostgreSQL server (its `postgres` database)."""
    given = os.environ.get("BUDDY_TEST_POSTGRES_URL")
    if given:
        yield normalise_database_url(given)
        return
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        _postgres_unavailable("initdb/pg_ctl are not on PATH nor in /usr/lib/postgresql/*/bin")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        _postgres_unavailable("running as root, and `runuser` is missing to drop to postgres")
    cluster = PostgresCluster.start(bin_dir)
    try:
        yield cluster.url
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head, to copy."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    # Fold the WAL back into the main file, so copying that one file copies everything.
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=DELETE")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_url: str) -> Iterator[str]:
    """The name of a PostgreSQL database migrated to head, to use as a template."""
    name = unique_database_name("buddy_template")
    migrate(create_postgres_database(postgres_url, name))
    yield name
    drop_postgres_database(postgres_url, name)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new database for this test, already migrated to head, and empty."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "buddy.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    # Looked up lazily, so a SQLite-only selection never starts PostgreSQL.
    server_url: str = request.getfixturevalue("postgres_url")
    template_name: str = request.getfixturevalue("postgres_template")
    name = unique_database_name("buddy_test")
    url = create_postgres_database(server_url, name, template=template_name)
    try:
        yield url
    finally:
        with contextlib.suppress(Exception):  # a failed drop must not hide the test's own result
            drop_postgres_database(server_url, name)
