"""Workspaces (issue #10, item 8): a bot serves only the workspaces it is installed in, and erases
those it has left, even when it learns of it late. Driven by signed Slack requests to the real
app (its Web API a local fake) and by real discord.py objects against a fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from sqlalchemy.exc import OperationalError

from bot.adapters import slack as slack_adapter
from bot.adapters.slack.workspaces import SlackTokenGone
from bot.core.identity import Workspace
from bot.store.database import make_engine
from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    BOT,
    GUILD_A,
    GUILD_B,
    DiscordWorld,
    FakeDiscord,
    FakeGuild,
    discord_world,
)
from tests.adapters.slack_fake import BOT_USER, FakeSlack
from tests.adapters.slack_harness import SIGNING_SECRET, SlackHarness, running_slack
from tests.security.dumps import dump

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
FORM = "application/x-www-form-urlencoded"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def holds(slack: SlackHarness, marker: str) -> bool:
    return marker in dump(slack.buddy.engine)


def org_command(
    slack: SlackHarness, text: str, *, team: str, enterprise: str, key: str, user: str = "U1"
) -> str:
    """`/buddy <text>` from a team of an Enterprise Grid organisation that installed org-wide."""
    body = dict(parse_qsl(slack.command_body(text, user=user, team=team, key=key)))
    body |= {"enterprise_id": enterprise, "is_enterprise_install": "true"}
    return urlencode(body)


async def run_org_command(slack: SlackHarness, text: str, *, team: str, enterprise: str) -> None:
    key = f"{team}-{text.split()[0]}-{time.monotonic_ns()}"
    status, _ = await slack.post(
        org_command(slack, text, team=team, enterprise=enterprise, key=key), content_type=FORM
    )
    assert status == 200
    await slack.reply(key)


async def org_uninstalled(slack: SlackHarness, enterprise: str) -> int:
    """app_uninstalled as Slack sends it to an org-wide installation: no team is named."""
    body = {
        "token": "legacy-verification-token",
        "enterprise_id": enterprise,
        "api_app_id": "A1",
        "event": {"type": "app_uninstalled", "event_ts": str(time.time())},
        "type": "event_callback",
        "event_id": "EvOrgGone",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": enterprise,
                "team_id": None,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": True,
            }
        ],
        "is_enterprise_install": True,
    }
    status, _ = await slack.post(json.dumps(body), content_type="application/json")
    await slack.settle()
    return status


# --- one bot token: its own workspace only -------------------------------------------------


async def test_a_request_signed_for_another_team_is_refused_and_stores_nothing(
    database_url: str,
) -> None:
    async with running_slack(database_url) as slack:
        slack.fake.add_user("TFOREIGN", "UFOREIGN", name="Mallory")
        before = dump(slack.buddy.engine)

        status, ack = await slack.post(
            slack.command_body(
                "promise <@U2|sam> the slides by friday", user="UFOREIGN", team="TFOREIGN"
            ),
            content_type=FORM,
        )
        home = await slack.event(
            {"type": "app_home_opened", "user": "UFOREIGN", "tab": "home"},
            team="TFOREIGN",
            event_id="EvForeign",
        )
        await slack.settle()

        assert status == 200
        assert "isn't set up for this Slack workspace" in json.loads(ack)["text"]
        assert home == 200
        assert dump(slack.buddy.engine) == before  # not a row, not even the event's id
        assert not holds(slack, "TFOREIGN")
        assert slack.fake.calls == []  # no users.info, no Home published


async def test_a_request_naming_no_team_is_refused_and_stores_nothing(database_url: str) -> None:
    async with running_slack(database_url) as slack:
        before = dump(slack.buddy.engine)
        body = dict(parse_qsl(slack.command_body("met <@U2|sam> at PyCon", key="r-none")))
        del body["team_id"]

        status, ack = await slack.post(urlencode(body), content_type=FORM)
        await slack.settle()

        assert status == 200
        assert "isn't set up for this Slack workspace" in json.loads(ack)["text"]
        assert dump(slack.buddy.engine) == before
        assert slack.fake.replies("r-none") == []


@SQLITE_ONLY
async def test_the_own_team_is_still_served_once_foreign_requests_were_refused(
    database_url: str,
) -> None:
    async with running_slack(database_url) as slack:
        slack.fake.add_user("T1", "U1", name="Ann")
        await slack.post(slack.command_body("help", team="TFOREIGN"), content_type=FORM)

        reply = await slack.ask("met <@U2|sam> at PyCon")

        assert reply["blocks"][0]["text"]["text"].startswith("🤝 Noted: you met <@U2>")


async def test_an_uninstall_missed_while_the_bot_was_down_is_honoured_at_start(
    database_url: str,
) -> None:
    fake = await FakeSlack().start()
    try:
        async with running_slack(database_url, fake=fake) as slack:
            await slack.ask("promise <@U2|sam> the slides by friday")
            await slack.ask("met <@U2|sam> at PyCon")
            engine_url = slack.buddy.settings.database_url
        fake.revoked.add("xoxb-T1")  # uninstalled while the bot was down: no event ever came

        with pytest.raises(SlackTokenGone):
            async with running_slack(database_url, fake=fake):
                pass  # pragma: no cover - the start refuses
    finally:
        await fake.stop()

    engine = make_engine(engine_url)
    try:
        rows = dump(engine)
    finally:
        engine.dispose()
    assert "PyCon" not in rows and "slides" not in rows
    assert "'T1'" not in rows


async def test_a_token_revoked_while_running_erases_its_workspace_at_the_daily_check(
    database_url: str,
) -> None:
    async with running_slack(database_url) as slack:
        await slack.ask("promise <@U2|sam> the slides by friday")
        slack.fake.revoked.add("xoxb-T1")

        await slack.bot.check_workspaces()

        assert not holds(slack, "slides")
        assert not holds(slack, "'T1'")
        _, ack = await slack.post(slack.command_body("promises"), content_type=FORM)
        assert "isn't set up for this Slack workspace" in json.loads(ack)["text"]
        assert not holds(slack, "'T1'")


@SQLITE_ONLY
async def test_the_running_bot_checks_its_token_by_itself(database_url: str) -> None:
    async with running_slack(database_url) as slack:
        await slack.ask("promise <@U2|sam> the slides by friday")
        slack.fake.revoked.add("xoxb-T1")
        serving = asyncio.create_task(
            slack_adapter.run(slack.bot, host="127.0.0.1", port=0, check_every=0.01)
        )
        try:
            for _ in range(500):  # the check runs on its own schedule; wait until it has
                if not holds(slack, "slides"):
                    break
                await asyncio.sleep(0.01)
        finally:
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await serving

        assert not holds(slack, "slides")


@SQLITE_ONLY
async def test_buddy_slack_refuses_to_start_on_a_revoked_token_after_erasing_its_workspace(
    tmp_path: Path, database_url: str
) -> None:
    fake = await FakeSlack().start()
    try:
        async with running_slack(database_url, fake=fake) as slack:
            await slack.ask("met <@U2|sam> at PyCon")
        fake.revoked.add("xoxb-T1")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BUDDY_"))},
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": "xoxb-T1",
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": fake.api_url,
            "PORT": str(free_port()),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "slack",
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        await fake.stop()

    assert process.returncode == 2
    assert "Slack refused SLACK_BOT_TOKEN (token_revoked)" in stderr.decode()
    assert "Traceback" not in stderr.decode()
    engine = make_engine(database_url)
    try:
        assert "PyCon" not in dump(engine)
    finally:
        engine.dispose()


# --- many workspaces: each installation checked, org-wide ones erased team by team ----------


@pytest.fixture
async def installed(database_url: str) -> AsyncIterator[tuple[str, FakeSlack]]:
    fake = await FakeSlack().start()
    try:
        yield database_url, fake
    finally:
        await fake.stop()


async def test_an_installation_whose_token_slack_refuses_is_erased_at_start_and_others_kept(
    installed: tuple[str, FakeSlack],
) -> None:
    database_url, fake = installed
    async with running_slack(
        database_url, multi_workspace=True, teams=("T1", "T2"), fake=fake
    ) as s:
        await s.ask("promise <@U2|sam> the slides of one by friday", team="T1")
        await s.ask("promise <@U2|sam> the slides of two by friday", team="T2")
    fake.revoked.add("xoxb-T1")  # uninstalled from T1 while the bot was down

    async with running_slack(database_url, multi_workspace=True, teams=(), fake=fake) as slack:
        assert not holds(slack, "slides of one")
        assert holds(slack, "slides of two")
        installations = slack.bot.app.installation_store
        assert installations is not None
        assert await installations.async_find_bot(enterprise_id=None, team_id="T1") is None
        assert await installations.async_find_bot(enterprise_id=None, team_id="T2") is not None
        promises = await slack.ask("promises", team="T2")
        assert "slides of two" in json.dumps(promises)


async def _org_and_own_team_with_notes(slack: SlackHarness) -> None:
    """Organisation E1 installed org-wide, with notes in its teams T5 and T6; T2 installed on
    its own, with notes too."""
    await _install_org(slack, "E1")
    for team in ("T5", "T6"):
        await run_org_command(
            slack,
            f"promise <@U2|sam> the notes of {team} by friday",
            team=team,
            enterprise="E1",
        )
    await slack.ask("promise <@U2|sam> the notes of T2 by friday", team="T2")


async def test_uninstalling_an_org_wide_install_erases_each_of_its_teams(
    installed: tuple[str, FakeSlack],
) -> None:
    database_url, fake = installed
    async with running_slack(database_url, multi_workspace=True, teams=("T2",), fake=fake) as slack:
        await _org_and_own_team_with_notes(slack)
        assert holds(slack, "notes of T5") and holds(slack, "notes of T6")

        assert await org_uninstalled(slack, "E1") == 200

        assert not holds(slack, "notes of T5")
        assert not holds(slack, "notes of T6")
        assert holds(slack, "notes of T2")


async def test_an_org_wide_install_whose_token_is_revoked_is_erased_team_by_team_daily(
    installed: tuple[str, FakeSlack],
) -> None:
    database_url, fake = installed
    async with running_slack(database_url, multi_workspace=True, teams=("T2",), fake=fake) as slack:
        await _org_and_own_team_with_notes(slack)
        fake.revoked.add("xoxb-E1")

        await slack.bot.check_workspaces()

        assert not holds(slack, "notes of T5")
        assert not holds(slack, "notes of T6")
        assert holds(slack, "notes of T2")
        installations = slack.bot.app.installation_store
        assert installations is not None
        gone = await installations.async_find_bot(
            enterprise_id="E1", team_id=None, is_enterprise_install=True
        )
        assert gone is None


async def _install_org(slack: SlackHarness, enterprise: str) -> None:
    from tests.adapters.slack_harness import install

    engine: Any = getattr(slack.bot.app.installation_store, "engine")  # noqa: B009
    await install(engine, enterprise, org_wide=True)


# --- Discord: a guild the bot is no longer in ------------------------------------------------


async def test_a_guild_that_removed_the_bot_while_it_was_down_is_erased_on_ready(
    database_url: str, tmp_path: Path
) -> None:
    from bot.app import build
    from bot.config import Settings
    from bot.plugins.discord_bot import serve_discord

    async with discord_world(database_url) as world:
        await world.say(ALICE, "met", person=BOB, context="at RustConf", guild=GUILD_A)
        await world.say(ALICE, "met", person=BOB, context="at PyCon", guild=GUILD_B)

    fake = FakeDiscord(guilds=[GUILD_B])  # kicked from GUILD_A while the bot was down
    await fake.start()
    settings = Settings(
        database_url=database_url,
        discord_token="fake-bot-token",
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
    )
    buddy = build(settings, migrate=False)
    running = asyncio.create_task(serve_discord(buddy, tick=False, guild_ready_timeout=0.1))
    try:
        await fake.wait_for(lambda: fake.sessions == 1, timeout=30)
        for _ in range(500):
            if "RustConf" not in dump(buddy.engine):
                break
            await asyncio.sleep(0.01)
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await fake.close()
    try:
        rows = dump(buddy.engine)
    finally:
        buddy.engine.dispose()

    assert "RustConf" not in rows
    assert f"'{GUILD_A.id}'" not in rows
    assert "PyCon" in rows


async def ready(world: DiscordWorld, *, available: list[FakeGuild]) -> None:
    """A new gateway session: READY lists every guild the bot is in (as unavailable), then
    GUILD_CREATE comes for those `available`; the client is ready once they stop coming."""
    state = world.client._connection
    state.guild_ready_timeout = 0.05
    state.parsers["READY"](
        {
            "v": 10,
            "user": BOT.json() | {"verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in world.fake.guilds],
            "session_id": "fake-session",
            "resume_gateway_url": world.fake.gateway_url,
            "application": {"id": str(BOT.id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
    )
    for guild in available:
        state.parsers["GUILD_CREATE"](guild.create_event())
    await asyncio.wait_for(world.client.wait_until_ready(), timeout=10)
    await settled(world)


async def settled(world: DiscordWorld) -> None:
    """Wait for the client's event handlers (on_ready, on_guild_remove) to finish."""
    for _ in range(500):
        running = [
            task
            for task in asyncio.all_tasks()
            if task.get_name().startswith("discord.py: on_") and not task.done()
        ]
        if not running:
            return
        await asyncio.gather(*running, return_exceptions=True)


async def test_a_guild_in_an_outage_at_start_is_not_erased(database_url: str) -> None:
    async with discord_world(database_url) as world:
        await world.say(ALICE, "met", person=BOB, context="at RustConf", guild=GUILD_A)
        await world.say(ALICE, "met", person=BOB, context="at PyCon", guild=GUILD_B)

        await ready(world, available=[GUILD_B])  # GUILD_A is in an outage: no GUILD_CREATE

        assert world.client.get_guild(GUILD_A.id).unavailable  # type: ignore[union-attr]
        rows = dump(world.buddy.engine)
        assert "RustConf" in rows and "PyCon" in rows


async def test_a_guild_whose_removal_failed_to_erase_is_erased_by_the_daily_check(
    database_url: str,
) -> None:
    async with discord_world(database_url, guild_check_seconds=0.01) as world:
        await world.say(ALICE, "met", person=BOB, context="at RustConf", guild=GUILD_A)
        await world.say(ALICE, "met", person=BOB, context="at PyCon", guild=GUILD_B)
        await ready(world, available=[GUILD_A, GUILD_B])
        erase = world.client.ports.erase_workspace
        failures = []

        def database_down_once(workspace: Workspace) -> None:
            if not failures:
                failures.append(workspace)
                raise OperationalError("DELETE", {}, Exception("the database is down"))
            erase(workspace)

        world.client.ports = dataclasses.replace(
            world.client.ports, erase_workspace=database_down_once
        )
        world.client._connection.parsers["GUILD_DELETE"]({"id": str(GUILD_A.id)})
        await settled(world)
        assert failures  # the removal's own erase failed

        for _ in range(500):  # the daily check runs on its own (every 10 ms here)
            if "RustConf" not in dump(world.buddy.engine):
                break
            await asyncio.sleep(0.01)

        assert "RustConf" not in dump(world.buddy.engine)
        assert "PyCon" in await world.say(ALICE, "people", guild=GUILD_B)
