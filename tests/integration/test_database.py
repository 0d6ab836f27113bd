"""Opening a database: the URLs operators paste, and the settings each database needs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.store.database import (
    DEFAULT_SQLITE_URL,
    make_engine,
    make_session_factory,
    normalise_database_url,
    upgrade_to_head,
)
from bot.store.uow import SqlUnitOfWorkFactory
from tests.integration.people import ANN, NOW


@pytest.mark.parametrize(
    ("given", "used"),
    [
        (
            "postgres://u:p%40ss@db.example:5432/buddy",
            "postgresql+psycopg://u:p%40ss@db.example:5432/buddy",
        ),
        (
            "postgresql://u@localhost/buddy?sslmode=require",
            "postgresql+psycopg://u@localhost/buddy?sslmode=require",
        ),
        ("postgresql+psycopg://u@localhost/buddy", "postgresql+psycopg://u@localhost/buddy"),
        ("  postgres://u@h/db\n", "postgresql+psycopg://u@h/db"),
        ("sqlite:///buddy.sqlite3", "sqlite:///buddy.sqlite3"),
        ("sqlite:////var/lib/buddy/data.sqlite3", "sqlite:////var/lib/buddy/data.sqlite3"),
        ("sqlite://", "sqlite://"),
    ],
)
def test_database_urls_are_rewritten_to_the_driver_the_bot_ships(given: str, used: str) -> None:
    assert normalise_database_url(given) == used


@pytest.mark.parametrize(
    "given",
    ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "buddy.sqlite3", ""],
)
def test_an_unsupported_database_url_is_refused_naming_database_url(given: str) -> None:
    with pytest.raises(ValueError, match="DATABASE_URL"):
        normalise_database_url(given)


def test_the_default_database_is_a_sqlite_file_in_the_current_directory() -> None:
    assert DEFAULT_SQLITE_URL == "sqlite:///buddy.sqlite3"


def test_a_sqlite_file_enforces_foreign_keys_waits_for_writers_and_uses_wal(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'buddy.sqlite3'}")
    with engine.connect() as connection:
        assert connection.scalar(text("PRAGMA foreign_keys")) == 1
        assert connection.scalar(text("PRAGMA busy_timeout")) == 5000
        assert connection.scalar(text("PRAGMA journal_mode")) == "wal"
    engine.dispose()


def test_an_in_memory_sqlite_database_is_one_database_across_threads() -> None:
    engine = make_engine("sqlite://")
    upgrade_to_head(engine)
    factory = SqlUnitOfWorkFactory(make_session_factory(engine))

    def add_contact() -> None:
        with factory() as uow:
            uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=NOW)
            uow.commit()

    worker = threading.Thread(target=add_contact)
    worker.start()
    worker.join()
    with factory() as uow:
        assert [c.name for c in uow.contacts.list(ANN)] == ["Sam"]
    engine.dispose()
