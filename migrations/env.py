"""Alembic environment: our models' metadata, on the connection we are given or DATABASE_URL."""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator

from bot.store.database import DEFAULT_SQLITE_URL, make_engine
from bot.store.schema import full_metadata

# slack-sdk creates and owns these (its OAuth installation store); never drop or alter them.
FOREIGN_TABLES = frozenset({"slack_installations", "slack_bots", "slack_oauth_states"})

config = context.config
# Only the `alembic` command line configures logging; the bot keeps its own.
if config.config_file_name is not None and "connection" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return getattr(table, "name", None) not in FOREIGN_TABLES


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render our column types as the plain types they store, so migrations never import the app."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=full_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
        include_name=include_name,
        include_object=include_object,
        render_item=render_item,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(os.environ.get("DATABASE_URL") or DEFAULT_SQLITE_URL)
    try:
        with engine.connect() as connection:
            run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run against a database")
run_online()
