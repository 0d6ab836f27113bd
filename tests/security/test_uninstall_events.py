"""Uninstalling the Slack app, or removing the bot from a Discord guild, erases the workspace's
events with it: the events, everyone's answers and waiting-list places, opt-ins to suggestions,
the suggestions made, who met whom there, the posts' anchors and whatever was queued about them;
another workspace keeps its own. Driven as each platform drives it: signed Slack requests and
the app_uninstalled event; real discord.py objects and GUILD_DELETE."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import MetaData, func, select

from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    CAROL,
    GUILD_A,
    GUILD_B,
    copy_database,
    discord_world,
)
from tests.adapters.slack_harness import SlackHarness, all_text, buttons, running_slack
from tests.adapters.test_slack_event_followups import _selects
from tests.security.dumps import dump
from tests.security.test_workspaces import settled

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TEAMS = ("T1", "T2")
USERS = ("U1", "U2", "U3")
EVENT_TABLES = (
    "events",
    "event_rsvps",
    "event_attendance",
    "event_suggestions",
    "anchored_posts",
)


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url, multi_workspace=True, teams=TEAMS) as harness:
        for team in TEAMS:
            for user in USERS:
                harness.fake.add_user(team, user, name=f"{user} of {team}")
        yield harness


def _dms(slack: SlackHarness, team: str, user: str, *, saying: str) -> list[dict[str, Any]]:
    return [
        call.args
        for call in slack.fake.calls_to("chat.postMessage")
        if call.team == team
        and call.args["channel"] == f"D{user}"
        and saying in all_text(call.args["blocks"])
    ]


async def _pick(
    slack: SlackHarness, team: str, block_id: str, menu: dict[str, Any], *, picked: str
) -> str:
    """U1 closes the "who did you meet?" multi-select with `picked` chosen, as Slack sends it."""
    key = f"pick-{team}"
    payload = {
        "type": "block_actions",
        "user": {"id": "U1", "username": "u1", "name": "u1", "team_id": team},
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "trigger_id": f"trigger-{key}",
        "team": {"id": team, "domain": f"team-{team.lower()}"},
        "is_enterprise_install": False,
        "container": {"type": "message", "channel_id": "DU1", "is_ephemeral": False},
        "channel": {"id": "DU1", "name": "directmessage"},
        "response_url": slack.fake.response_url(key),
        "actions": [
            {
                "type": "multi_static_select",
                "action_id": menu["action_id"],
                "block_id": block_id,
                "selected_options": [o for o in menu["options"] if o["value"] == picked],
                "action_ts": str(time.time()),
            }
        ],
    }
    status, _ = await slack.post(
        urlencode({"payload": json.dumps(payload)}),
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 200
    return all_text((await slack.reply(key))["blocks"])


def _rows(slack: SlackHarness, team: str) -> dict[str, int]:
    tables = MetaData()
    tables.reflect(slack.buddy.engine, only=EVENT_TABLES)
    with slack.buddy.engine.connect() as connection:
        return {
            name: connection.scalar(
                select(func.count()).select_from(table).where(table.c.workspace_id == team)
            )
            or 0
            for name, table in tables.tables.items()
        }


@SQLITE_ONLY
async def test_uninstalling_erases_the_workspace_s_events_answers_and_suggestions(
    slack: SlackHarness,
) -> None:
    for team in TEAMS:
        await slack.ask(
            f'event "Night zq{team}qz" friday 6pm at Café zq{team}qz limit 2', team=team
        )
    await slack.delivery.deliver_due()
    posts = {call.team: call.args for call in slack.fake.calls_to("chat.postMessage")}
    for team in TEAMS:
        for user in USERS:  # U3 finds it full: the waiting list
            await slack.reply(
                await slack.press(buttons(posts[team]["blocks"])["Going"], user=user, team=team)
            )
    await slack.delivery.deliver_due()

    slack.clock.advance(timedelta(hours=9, minutes=30))  # Thursday 18:30: the day before
    await slack.buddy.ticker().tick()
    await slack.delivery.deliver_due()
    for team in TEAMS:
        for user in ("U1", "U2"):
            [suggest] = [
                found
                for dm in _dms(slack, team, user, saying=f"zq{team}qz")
                if (found := buttons(dm["blocks"]).get("Suggest people to meet there"))
            ]
            await slack.reply(await slack.press(suggest, user=user, team=team, channel=f"D{user}"))
    slack.clock.advance(timedelta(hours=21))  # Friday 15:30: suggestions
    await slack.buddy.ticker().tick()
    slack.clock.advance(timedelta(hours=5, minutes=30))  # Friday 21:00, over: who did you meet?
    await slack.buddy.ticker().tick()
    await slack.delivery.deliver_due()
    for team in TEAMS:
        [asked] = _dms(slack, team, "U1", saying="Who did you meet")
        [(block_id, menu)] = _selects(asked["blocks"])
        assert "🤝 Noted: you met <@U2>" in await _pick(slack, team, block_id, menu, picked="U2")
    before = {team: _rows(slack, team) for team in TEAMS}
    assert all(before["T1"].values()), before  # every kind of event record is there to erase
    assert before["T1"] == before["T2"]

    assert await slack.event({"type": "app_uninstalled"}, team="T1", event_id="EvGone") == 200

    assert _rows(slack, "T1") == dict.fromkeys(EVENT_TABLES, 0)
    assert _rows(slack, "T2") == before["T2"]
    rows = dump(slack.buddy.engine)
    assert "zqT1qz" not in rows  # its title and place, in no table (the outbox neither)
    assert "zqT2qz" in rows


async def test_removing_the_discord_bot_from_a_guild_erases_its_events_and_answers(
    sqlite_template: Path, tmp_path: Path
) -> None:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        for guild in (GUILD_A, GUILD_B):
            await world.say(
                ALICE,
                "channel event",
                title=f"Night zq{guild.id}qz",
                when="friday 6pm",
                place="Café",
                limit="1",
                guild=guild,
            )
            await world.deliver()
            [post] = world.fake.in_channel(guild.channel_id)
            for user in (BOB, CAROL):  # Carol finds it full: the waiting list
                await world.press(user, post, "Going", guild=guild)
            await world.deliver()
        made = {e["guild_id"] for e in world.fake.scheduled_events.values()}
        assert made == {str(GUILD_A.id), str(GUILD_B.id)}

        world.client._connection.parsers["GUILD_DELETE"]({"id": str(GUILD_A.id)})
        await settled(world)

        rows = dump(world.buddy.engine)
        assert f"zq{GUILD_A.id}qz" not in rows and f"'{GUILD_A.id}'" not in rows
        assert f"zq{GUILD_B.id}qz" in rows
