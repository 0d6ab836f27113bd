"""A whole database as text: what someone holding a copy or a backup of it would read."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, select

from bot.store.database import make_engine


def dump(engine: Engine) -> str:
    """Every row of every table, as text: what someone reading the database would see."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return "\n".join(
            f"{table.name}: {tuple(row)!r}"
            for table in tables.sorted_tables
            for row in connection.execute(select(table))
        )


def dump_of(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        return dump(engine)
    finally:
        engine.dispose()
