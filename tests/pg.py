"""A throwaway PostgreSQL cluster for tests, and helpers to create and drop its databases."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

_names = itertools.count(1)


def unique_database_name(prefix: str) -> str:
    """A name no other test (nor a concurrent run on a shared server) is using."""
    return f"{prefix}_{os.getpid()}_{next(_names)}"


def find_postgres_bin() -> Path | None:
    """The directory holding initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/*/bin."""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    newest_first = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for candidate in newest_first:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresCluster:
    """A PostgreSQL server in a temporary directory, tuned for speed, never for durability."""

    bin_dir: Path
    root: Path
    port: int
    as_postgres_user: bool

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls, bin_dir: Path) -> PostgresCluster:
        # PostgreSQL refuses to run as root (CI runs as root): then run it as the postgres user.
        as_postgres_user = os.geteuid() == 0
        root = Path(tempfile.mkdtemp(prefix="buddy-pg-"))
        if as_postgres_user:
            shutil.chown(root, user="postgres", group="postgres")
        root.chmod(0o700)
        cluster = cls(
            bin_dir=bin_dir, root=root, port=_free_port(), as_postgres_user=as_postgres_user
        )
        try:
            cluster._run(
                "initdb",
                *("-D", str(cluster.data_dir), "-U", "postgres", "--auth=trust"),
                *("--encoding=UTF8", "--locale=C", "--no-sync"),
            )
            options = (
                "-F -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
                f" -c listen_addresses=127.0.0.1 -p {cluster.port} -k {root}"
            )
            cluster._run(
                "pg_ctl",
                *("-D", str(cluster.data_dir), "-l", str(root / "server.log")),
                *("-o", options, "-w", "start"),
            )
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return cluster

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if self.as_postgres_user:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = self.root / "server.log"
            server_log = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}{server_log}"
            )


def _admin_engine(server_url: str) -> Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def create_postgres_database(server_url: str, name: str, *, template: str | None = None) -> str:
    """Create a database on the server (a copy of `template`, if given) and return its URL."""
    # FILE_COPY: much faster than PostgreSQL 15's default WAL_LOG for small databases.
    clause = f' TEMPLATE "{template}"' if template else ""
    engine = _admin_engine(server_url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause} STRATEGY FILE_COPY'))
    finally:
        engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(server_url: str, name: str) -> None:
    engine = _admin_engine(server_url)
    try:
        with engine.connect() as connection:
            # FORCE: a test may leave pooled connections open.
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
