"""Secrets at rest (issue #10, item 9): whoever reads the database (a backup, a leaked dump)
learns no Slack token; the tokens still work across restarts and key rotation."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

from bot.cli import main
from bot.store.secrets import MAKE_A_KEY, SecretKeyError
from bot.store.slack import async_engine_for
from tests.adapters.slack_fake import BOT_USER, FakeSlack
from tests.adapters.slack_harness import CLIENT_ID, SlackHarness, install, running_slack
from tests.security.dumps import dump, dump_of

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
REFRESH_TOKEN = "xoxe-1-" + "R" * 150  # token rotation: a long one, longer than String(200)


async def install_rotating(database_url: str) -> None:
    """An installation with token rotation on: a refresh token beside the bot token."""
    from bot.adapters.slack.installations import EncryptedInstallationStore
    from bot.store.secrets import SecretBox, parse_keys
    from tests.adapters.slack_harness import SECRET_KEY

    engine = async_engine_for(database_url)
    try:
        store = EncryptedInstallationStore(
            client_id=CLIENT_ID, engine=engine, secrets=SecretBox(parse_keys(SECRET_KEY))
        )
        await store.create_tables()  # type: ignore[no-untyped-call]
        await store.async_save(_installation("T7", bot_refresh_token=REFRESH_TOKEN))
    finally:
        await engine.dispose()


async def install_in_plain_text(database_url: str, team: str) -> None:
    """An installation as slack-sdk's own store kept it before encryption (an upgrade)."""
    engine = async_engine_for(database_url)
    try:
        store = AsyncSQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine)
        await store.create_tables()  # type: ignore[no-untyped-call]
        await store.async_save(_installation(team))
    finally:
        await engine.dispose()


def _installation(team: str, **extra: str) -> Installation:
    return Installation(
        app_id="A1",
        team_id=team,
        team_name=f"Team {team}",
        bot_token=f"xoxb-{team}",
        bot_id="BBUDDY",
        bot_user_id=BOT_USER,
        bot_scopes=["chat:write", "commands"],
        user_id="UADMIN",
        installed_at=time.time(),
        **extra,  # type: ignore[arg-type]
    )


async def works_in(slack: SlackHarness, team: str) -> bool:
    """A command from the team is answered, with Web API calls made with its own token."""
    slack.fake.add_user(team, "U1", name=f"Ann of {team}")
    reply = await slack.ask("help", team=team)
    return "remembers who you met" in reply["text"] and any(
        call.token == f"xoxb-{team}" for call in slack.fake.calls_to("users.info")
    )


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")  # slack-sdk's
async def test_a_copy_of_the_database_holds_no_slack_token(database_url: str) -> None:
    async with running_slack(database_url, multi_workspace=True, teams=("T1", "T2")) as slack:
        await slack.install_through_oauth()
        await install_rotating(database_url)
        assert await works_in(slack, "T9")

        rows = dump(slack.buddy.engine)

    assert "slack_bots" in rows and "slack_installations" in rows
    assert "xoxb-" not in rows
    assert "xoxe-" not in rows
    assert "RRRRRRRR" not in rows


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")  # slack-sdk's
async def test_the_tokens_still_work_after_a_restart(database_url: str) -> None:
    fake = await FakeSlack().start()
    try:
        async with running_slack(database_url, multi_workspace=True, fake=fake) as slack:
            await slack.install_through_oauth()

        async with running_slack(database_url, multi_workspace=True, teams=(), fake=fake) as slack:
            assert await works_in(slack, "T1")
            assert await works_in(slack, "T9")
    finally:
        await fake.stop()


async def test_rotating_the_key_keeps_every_token_working(database_url: str) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    fake = await FakeSlack().start()
    try:
        async with running_slack(
            database_url, multi_workspace=True, teams=("T1", "T2"), secret_key=old, fake=fake
        ) as slack:
            assert await works_in(slack, "T1")

        # Step 1: the new key first, the old one after: tokens open, and are re-encrypted.
        async with running_slack(
            database_url, multi_workspace=True, teams=(), secret_key=f"{new},{old}", fake=fake
        ) as slack:
            assert await works_in(slack, "T1")

        # Step 2: the old key dropped: everything opens with the new one alone.
        async with running_slack(
            database_url, multi_workspace=True, teams=(), secret_key=new, fake=fake
        ) as slack:
            assert await works_in(slack, "T1")
            assert await works_in(slack, "T2")

        # The old key alone opens nothing any more, and says so instead of starting.
        with pytest.raises(SecretKeyError, match="cannot decrypt a stored Slack token"):
            async with running_slack(
                database_url, multi_workspace=True, teams=(), secret_key=old, fake=fake
            ):
                pass  # pragma: no cover - the start refuses
    finally:
        await fake.stop()
    assert "xoxb-" not in dump_of(database_url)


async def test_tokens_kept_in_plain_text_before_are_encrypted_at_the_next_start(
    database_url: str,
) -> None:
    await install_in_plain_text(database_url, "T3")
    assert "xoxb-T3" in dump_of(database_url)

    async with running_slack(database_url, multi_workspace=True, teams=()) as slack:
        assert "xoxb-T3" not in dump(slack.buddy.engine)
        assert await works_in(slack, "T3")


# --- `buddy`: refusing to start without a key; rotate-secrets -----------------------------


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No setting of the developer's; a .env-free directory."""
    for name in list(os.environ):
        if name.upper().startswith(("SLACK_", "BUDDY_", "DATABASE_URL", "PORT", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.mark.usefixtures("environment")
@pytest.mark.parametrize("command", ["slack", "run", "worker"])
def test_many_workspaces_refuse_to_start_without_a_secret_key(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", "client-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-secret")

    assert main([command]) == 2

    err = capsys.readouterr().err
    assert "BUDDY_SECRET_KEY not set" in err
    assert MAKE_A_KEY in err
    assert not list(Path.cwd().iterdir())  # not even a database was made


@pytest.mark.usefixtures("environment")
def test_a_malformed_secret_key_is_refused_without_repeating_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = Fernet.generate_key().decode()
    monkeypatch.setenv("BUDDY_SECRET_KEY", f"{good},hunter2-not-a-fernet-key")

    assert main(["migrate"]) == 2

    err = capsys.readouterr().err
    assert "BUDDY_SECRET_KEY: key 2 is not a Fernet key" in err
    assert MAKE_A_KEY in err
    assert "hunter2" not in err and good not in err


@SQLITE_ONLY
@pytest.mark.usefixtures("environment")
def test_rotate_secrets_re_encrypts_every_token_under_the_first_key(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    asyncio.run(install_in_plain_text(database_url, "T3"))
    asyncio.run(_install_with(database_url, "T4", key=old))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("BUDDY_SECRET_KEY", f"{new},{old}")

    assert main(["rotate-secrets"]) == 0

    assert "re-encrypted" in capsys.readouterr().out
    rows = dump_of(database_url)
    assert "xoxb-" not in rows
    assert asyncio.run(_tokens_with(database_url, key=new)) == {"xoxb-T3", "xoxb-T4"}


async def _install_with(database_url: str, team: str, *, key: str) -> None:
    engine = async_engine_for(database_url)
    try:
        await install(engine, team, secret_key=key)
    finally:
        await engine.dispose()


async def _tokens_with(database_url: str, *, key: str) -> set[str]:
    """The bot tokens as a store with only `key` reads them."""
    from bot.adapters.slack.installations import EncryptedInstallationStore
    from bot.store.secrets import SecretBox

    engine = async_engine_for(database_url)
    try:
        store = EncryptedInstallationStore(
            client_id=CLIENT_ID, engine=engine, secrets=SecretBox([key])
        )
        return {bot.bot_token for bot in await store.async_list_bots()}
    finally:
        await engine.dispose()
