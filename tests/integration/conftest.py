"""The real store on SQLite and PostgreSQL: one migrated database per backend, emptied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, text

from bot.store.database import make_engine, make_session_factory
from bot.store.models import Base
from bot.store.uow import SqlUnitOfWorkFactory
from tests.conftest import BACKENDS
from tests.pg import create_postgres_database, drop_postgres_database, unique_database_name


@pytest.fixture(scope="session", params=BACKENDS)
def store_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One migrated database per backend for the whole session; `engine` empties it per test."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("store") / "store.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    server_url: str = request.getfixturevalue("postgres_url")
    name = unique_database_name("buddy_store")
    url = create_postgres_database(
        server_url, name, template=request.getfixturevalue("postgres_template")
    )
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_postgres_database(server_url, name)


@pytest.fixture
def engine(store_engine: Engine) -> Engine:
    """The backend's store, empty: truncating is much faster than a new database per test."""
    tables = Base.metadata.sorted_tables
    with store_engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(delete(table))
    return store_engine


@pytest.fixture
def uow_factory(engine: Engine) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(make_session_factory(engine))


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, for the migration tests."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server_url: str = request.getfixturevalue("postgres_url")
    name = unique_database_name("buddy_empty")
    yield create_postgres_database(server_url, name)
    drop_postgres_database(server_url, name)
