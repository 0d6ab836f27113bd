"""Engines, sessions and migrations: one place that knows how to open SQLite or PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:  # Alembic is imported only when a database needs migrating: it is slow to load
    from alembic.config import Config

DEFAULT_SQLITE_URL = "sqlite:///buddy.sqlite3"
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

# Any fixed signed 64-bit number: every process migrating a database takes the same lock.
_MIGRATION_LOCK_KEY = 0x4E42_4D49_4752_4154  # "NBMIGRAT"

_POSTGRES_PREFIXES = ("postgres://", "postgresql://")


def normalise_database_url(url: str) -> str:
    """Map the URL forms operators paste to the drivers the bot ships with.

    `postgres://` (Heroku and friends) and plain `postgresql://` become `postgresql+psycopg://`;
    SQLite URLs pass through; anything else is refused with a message naming DATABASE_URL.
    """
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep:
        # Never echo the value: it may hold a password.
        raise ValueError(
            "DATABASE_URL is not a database URL: use sqlite:///buddy.sqlite3 "
            "or postgresql://user:password@host/dbname"
        )
    if url.startswith(_POSTGRES_PREFIXES):
        return f"postgresql+psycopg://{rest}"
    if scheme == "postgresql+psycopg" or scheme == "sqlite" or scheme.startswith("sqlite+"):
        return url
    if scheme.startswith("postgresql+"):
        raise ValueError(
            f"DATABASE_URL uses the driver {scheme.partition('+')[2]!r}; the bot ships psycopg 3: "
            "write postgresql://... (or postgresql+psycopg://...)"
        )
    raise ValueError(
        f"DATABASE_URL scheme {scheme!r} is not supported: use sqlite:///path/to/file.sqlite3 "
        "or postgresql://user:password@host/dbname"
    )


def make_engine(url: str) -> Engine:
    """An engine for a SQLite or PostgreSQL URL (normalised first), with the settings each needs.

    Its errors never quote bound parameters: they hold what members typed, and errors are logged.
    """
    url = normalise_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        from bot.store.models import add_postgresql_predicates

        add_postgresql_predicates()
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)

    in_memory = parsed.database in (None, "", ":memory:") or parsed.query.get("mode") == "memory"
    options: dict[str, Any] = {}
    if in_memory:
        # One shared connection, usable from the worker threads the adapters run store calls in.
        options = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    engine = create_engine(url, hide_parameters=True, **options)

    @event.listens_for(engine, "connect")
    def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")  # off by default: ON DELETE CASCADE needs it
            cursor.execute("PRAGMA busy_timeout=5000")  # wait for a writer instead of failing
            # Erased rows are overwritten with zeros, not left readable in free pages.
            cursor.execute("PRAGMA secure_delete=ON")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        finally:
            cursor.close()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Records leave the store as frozen dataclasses, so nothing needs reloading after a commit.
    return sessionmaker(engine, expire_on_commit=False)


_ASSIGNMENT = re.compile(r"^(revision|down_revision)\b[^=]*=\s*(.+?)\s*$", re.MULTILINE)


def head_revision() -> str | None:
    """The newest migration's revision, read from the migration files without importing Alembic;
    None when they do not form one plain chain (then Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_ASSIGNMENT.findall(path.read_text(encoding="utf-8")))
        revision, parent = found.get("revision", ""), found.get("down_revision", "")
        if not re.fullmatch(r"[\"'][\w-]+[\"']", revision):
            return None
        revisions.add(revision[1:-1])
        if re.fullmatch(r"[\"'][\w-]+[\"']", parent):
            parents.add(parent[1:-1])
        elif parent != "None":  # a tuple (a merge) or anything unexpected
            return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database's alembic_version table; None if there is none."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # a fresh database: no alembic_version table yet
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def at_head(engine: Engine) -> bool:
    head = head_revision()
    return head is not None and stored_revision(engine) == head


def alembic_config() -> Config:
    """An Alembic config pointing at the repository's migrations, without needing alembic.ini."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Migrate the database to the newest revision; a no-op when it is already there.

    On PostgreSQL a transaction-scoped advisory lock makes concurrent starters wait for each
    other: the second one then finds the schema at head and does nothing. A database already
    at head is recognised with one query, without loading Alembic (it costs most of a start).
    """
    if at_head(engine):
        return
    from alembic import command

    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
