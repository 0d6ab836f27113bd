"""A PostgreSQL server for the benchmarks: a given URL, or a throwaway cluster, or none."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

from bot.store.database import normalise_database_url


@contextlib.contextmanager
def postgres_server() -> Iterator[str | None]:
    """BUDDY_BENCH_POSTGRES_URL, or a throwaway cluster where initdb is installed, or None."""
    given = os.environ.get("BUDDY_BENCH_POSTGRES_URL")
    if given:
        yield normalise_database_url(given)
        return
    from tests.pg import PostgresCluster, find_postgres_bin

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        print("  no PostgreSQL found: SQLite only", file=sys.stderr)
        yield None
        return
    cluster = PostgresCluster.start(bin_dir)
    try:
        yield cluster.url
    finally:
        cluster.stop()
