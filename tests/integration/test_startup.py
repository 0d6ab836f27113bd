"""Start-up: a database at head opens without Alembic, and each process loads only its SDK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet
from sqlalchemy import Engine, text

from bot.store.database import (
    alembic_config,
    head_revision,
    make_engine,
    stored_revision,
    upgrade_to_head,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ScriptDirectory.from_config(alembic_config())


def test_the_head_read_without_alembic_is_alembics_head() -> None:
    assert head_revision() == SCRIPTS.get_current_head()


def test_a_database_one_migration_behind_is_still_migrated(empty_database_url: str) -> None:
    head = SCRIPTS.get_revision("head")
    assert head is not None and isinstance(head.down_revision, str)
    engine: Engine = make_engine(empty_database_url)
    try:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, head.down_revision)
        assert stored_revision(engine) == head.down_revision

        upgrade_to_head(engine)

        with engine.connect() as connection:
            found = connection.scalar(text("SELECT version_num FROM alembic_version"))
        assert found == head.revision
    finally:
        engine.dispose()


def _loaded_after(program: str, *, stdin: str = "") -> dict[str, object]:
    """Run `program` in a fresh interpreter; it prints a JSON object as its last line."""
    done = subprocess.run(
        [sys.executable, "-c", program],
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=120,
    )
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


# Heavy packages a process loads only when it needs them (dateparser: a line only it reads).
SDKS = """
import json, sys
print(json.dumps({{
    "sdks": sorted({{m.split(".")[0] for m in sys.modules}}
                   & {{"alembic", "dateparser", "discord", "slack_bolt", "slack_sdk"}}),
    {extra}
}}))
"""

CONSOLE_RUN = """
import sys
sys.argv = ["buddy", "console"]
from bot.cli import main
code = main()
"""
CONSOLE = CONSOLE_RUN + SDKS.format(extra='"code": code')


def test_the_console_on_a_database_at_head_answers_without_alembic_or_any_sdk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/buddy.sqlite3")
    monkeypatch.setenv("BUDDY_TICK_SECONDS", "3600")
    first = _loaded_after(CONSOLE, stdin="help\n")  # a fresh database: migrated
    assert first["code"] == 0
    assert "alembic" in first["sdks"]  # type: ignore[operator]
    assert not {"discord", "slack_bolt", "slack_sdk"} & set(first["sdks"])  # type: ignore[call-overload]

    again = _loaded_after(CONSOLE, stdin="help\n")

    assert again == {"sdks": [], "code": 0}


def test_the_console_never_loads_the_cryptography_behind_slack_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a multi-workspace Slack process keeps encrypted tokens: nothing else pays for
    loading `cryptography` at start, reading BUDDY_SECRET_KEY included."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/buddy.sqlite3")
    monkeypatch.setenv("BUDDY_TICK_SECONDS", "3600")
    program = (
        CONSOLE_RUN
        + """
import json, sys
print(json.dumps({"code": code, "cryptography": "cryptography" in sys.modules}))
"""
    )

    assert _loaded_after(program, stdin="help\n") == {"code": 0, "cryptography": False}


# What `buddy slack` and `buddy discord` build before they connect (nothing is reached here).
SLACK = """
import asyncio, os
from bot.app import build
from bot.plugins.slack import build_slack
from bot.config import Settings

async def load():
    settings = Settings(database_url="sqlite:///{folder}/slack.sqlite3",
                        slack_bot_token="xoxb-x", slack_signing_secret="s",
                        slack_api_url="http://127.0.0.1:9/api/",
                        buddy_secret_key=os.environ.get("BUDDY_SECRET_KEY", ""))
    bot = await build_slack(build(settings))
    bot.web_app()
    await bot.close()

asyncio.run(load())
"""

DISCORD = """
from bot.app import build
from bot.plugins.discord_bot import discord_ports
from bot.adapters import discord_bot
from bot.config import Settings

settings = Settings(database_url="sqlite:///{folder}/discord.sqlite3",
                    discord_token="x")
discord_bot.make_client(discord_ports(build(settings)))
"""


def test_a_slack_process_never_loads_discord(tmp_path: Path) -> None:
    found = _loaded_after(SLACK.format(folder=tmp_path) + SDKS.format(extra=""))
    assert "discord" not in found["sdks"]  # type: ignore[operator]
    assert "slack_bolt" in found["sdks"]  # type: ignore[operator]


def test_a_slack_process_on_sqlite_loads_neither_postgresql_nor_discord_nor_unused_libraries(
    tmp_path: Path,
) -> None:
    """`buddy slack` over HTTP on SQLite: no PostgreSQL dialect or driver, no discord.py, no
    calendar library (an invitation loads it when one is sent), no Socket Mode client."""
    program = SLACK.format(folder=tmp_path) + (
        "import json, sys\n"
        "print(json.dumps({'loaded': sorted(m for m in sys.modules\n"
        f"    if m.startswith({UNUSED_BY_SLACK_ON_SQLITE!r}))}}))\n"
    )
    _loaded_after(program)  # a fresh database: migrated, by Alembic (which loads every dialect)

    assert _loaded_after(program) == {"loaded": []}


UNUSED_BY_SLACK_ON_SQLITE = (
    "sqlalchemy.dialects.postgresql",
    "psycopg",
    "discord",
    "icalendar",
    "slack_sdk.socket_mode",
)


def test_a_slack_process_serving_pages_loads_their_code_only_when_one_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With BUDDY_SECRET_KEY set the Slack HTTP app serves the dashboard and member pages, but
    their templates and charts load on the first page asked for; one bot token keeps no
    encrypted tokens, so the key is checked without `cryptography`. (That the pages then open
    through the Slack app: tests/adapters/test_slack_web_pages.py.)"""
    monkeypatch.setenv("BUDDY_SECRET_KEY", Fernet.generate_key().decode())
    program = SLACK.format(folder=tmp_path) + (
        "import json, sys\n"
        "print(json.dumps({'loaded': sorted(m for m in sys.modules\n"
        f"    if m.startswith({LOADED_WHEN_A_PAGE_OPENS!r}))}}))\n"
    )
    _loaded_after(program)  # a fresh database: migrated

    assert _loaded_after(program) == {"loaded": []}


LOADED_WHEN_A_PAGE_OPENS = ("jinja2", "pygal", "bot.web.server", "cryptography")


def test_the_console_loads_the_pages_code_only_when_one_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console takes a local port for the pages from the start, but their server, templates
    and charts load on the first visit (that one opens: tests/web/test_console_pages.py)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/buddy.sqlite3")
    monkeypatch.setenv("BUDDY_TICK_SECONDS", "3600")
    program = CONSOLE_RUN + (
        "import json, sys\n"
        "print(json.dumps({'code': code, 'loaded': sorted(m for m in sys.modules\n"
        f"    if m.startswith({(*LOADED_WHEN_A_PAGE_OPENS, 'aiohttp')!r}))}}))\n"
    )
    _loaded_after(program, stdin="help\n")  # a fresh database: migrated

    assert _loaded_after(program, stdin="help\n") == {"code": 0, "loaded": []}


def test_a_single_workspace_slack_process_never_loads_the_oauth_stores(tmp_path: Path) -> None:
    """Only a multi-workspace app keeps installations: one bot token needs no asyncio
    SQLAlchemy, nor slack-sdk's SQL stores."""
    found = _loaded_after(
        SLACK.format(folder=tmp_path)
        + """
import json, sys
print(json.dumps({"loaded": sorted(m for m in sys.modules if m.startswith(
    ("sqlalchemy.ext.asyncio", "slack_sdk.oauth.installation_store.sqlalchemy",
     "bot.adapters.slack.installations")))}))
"""
    )
    assert found == {"loaded": []}


def test_a_discord_process_never_loads_slack(tmp_path: Path) -> None:
    found = _loaded_after(DISCORD.format(folder=tmp_path) + SDKS.format(extra=""))
    assert "slack_bolt" not in found["sdks"]  # type: ignore[operator]
    assert "slack_sdk" not in found["sdks"]  # type: ignore[operator]
    assert "discord" in found["sdks"]  # type: ignore[operator]


PYDANTIC = """
import json, sys
print(json.dumps({"loaded": sorted({m.split(".")[0] for m in sys.modules}
    & {"pydantic", "pydantic_core", "pydantic_settings", "dotenv"})}))
"""


@pytest.mark.parametrize("process", ["console", "slack", "discord"])
def test_no_process_loads_pydantic_to_read_its_settings(
    process: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings are read and checked with the standard library: pydantic's ~20 MiB and ~0.1 s
    of imports are paid by no process."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/buddy.sqlite3")
    monkeypatch.setenv("BUDDY_TICK_SECONDS", "3600")
    starts = {
        "console": CONSOLE_RUN,
        "slack": SLACK.format(folder=tmp_path),
        "discord": DISCORD.format(folder=tmp_path),
    }

    assert _loaded_after(starts[process] + PYDANTIC, stdin="help\n") == {"loaded": []}
