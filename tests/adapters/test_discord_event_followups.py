"""After an event on Discord, with real discord.py objects against a fake Discord: "who did you
meet?" by DM with a select menu of the other attendees, and choosing from it logs meetings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.discord_fake import (
    ALICE,
    BOB,
    CAROL,
    GUILD_A,
    MANAGE_EVENTS,
    DiscordWorld,
    Posted,
    copy_database,
    discord_world,
    press,
    replies_text,
)


@pytest.fixture
async def world(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[DiscordWorld]:
    async with discord_world(copy_database(sqlite_template, tmp_path)) as world:
        yield world


def _select(posted: Posted) -> dict[str, Any]:
    [select] = [c for c in posted.buttons if c["type"] == 3]  # a string select
    return select


def _choose(user: Any, posted: Posted, values: list[str]) -> dict[str, Any]:
    """The select menu of a DM the bot sent, closed with these values chosen (component 3)."""
    payload = press(user, posted, "Nobody this time", guild=None)
    payload["data"] = {
        "custom_id": _select(posted)["custom_id"],
        "component_type": 3,
        "values": values,
    }
    return payload


async def test_who_did_you_meet_comes_with_a_select_menu_and_choosing_logs_meetings(
    world: DiscordWorld,
) -> None:
    await world.say(
        ALICE,
        "channel event",
        title="Rust night",
        when="friday 6pm",
        duration="2 hours",
        place="Café",
    )
    await world.deliver()
    [post] = world.fake.in_channel(GUILD_A.channel_id)
    for user in (ALICE, BOB, CAROL):
        await world.press(user, post, "Going")
    await world.deliver()

    world.clock.advance(timedelta(days=3))
    await world.buddy.ticker().tick()
    await world.deliver()
    [asked] = [p for p in world.fake.dms(ALICE) if "Who did you meet" in p.content]
    select = _select(asked)
    assert [o["value"] for o in select["options"]] == [str(BOB.id), str(CAROL.id)]
    assert [o["label"] for o in select["options"]] == [BOB.display_name, CAROL.display_name]
    assert select["max_values"] == 2
    assert asked.button("Nobody this time")

    reply = await world.interact(_choose(ALICE, asked, [str(BOB.id)]))
    assert f"🤝 Noted: you met <@{BOB.id}> at “Rust night”." in replies_text(reply)
    # A forged value, not among those going, is refused and logs nothing.
    reply = await world.interact(_choose(ALICE, asked, ["999"]))
    assert "Pick people from the list" in replies_text(reply)
    people = await world.say(ALICE, "people")
    assert people.count("Rust night (") == 1


async def test_an_event_becomes_a_scheduled_event_kept_in_step_on_edit_and_cancel(
    world: DiscordWorld,
) -> None:
    await world.say(
        ALICE,
        "channel event",
        title="Rust night",
        when="friday 6pm",
        duration="2 hours",
        place="Café",
    )
    await world.deliver()
    [(scheduled_id, made)] = world.fake.scheduled_events.items()
    assert made["name"] == "Rust night" and made["entity_type"] == 3  # external
    assert made["entity_metadata"] == {"location": "Café"}
    assert made["scheduled_start_time"].startswith("2026-11-27T18:00:00")
    assert made["scheduled_end_time"].startswith("2026-11-27T20:00:00")
    [post] = world.fake.in_channel(GUILD_A.channel_id)
    await world.press(BOB, post, "Going")  # an answer edits the post, not the event
    await world.deliver()
    assert not world.fake.calls("PATCH", f"guilds/{GUILD_A.id}/scheduled-events/{scheduled_id}")

    await world.say(ALICE, "channel event-edit", number="1", when="saturday 7pm")
    await world.deliver()
    assert made["scheduled_start_time"].startswith("2026-11-28T19:00:00")
    assert made["status"] == 1
    await world.say(ALICE, "channel event-cancel", number="1")
    await world.deliver()
    assert made["status"] == 4  # cancelled
    assert len(world.fake.scheduled_events) == 1


async def test_without_manage_events_the_event_is_announced_and_edited_all_the_same(
    world: DiscordWorld,
) -> None:
    world.fake.manage_events = False
    await world.restart()  # the guild as the gateway sends it again: no Manage Events
    answer = await world.say(ALICE, "channel event", title="Rust night", when="friday 6pm")
    report = await world.deliver()
    assert answer.startswith("📅 Announced in this channel as event 1:")
    assert (
        len(world.fake.in_channel(GUILD_A.channel_id)) == 1 and report.dead == report.retried == 0
    )
    assert world.fake.scheduled_events == {}
    await world.say(ALICE, "channel event-edit", number="1", when="saturday 7pm")
    await world.deliver()
    [edit] = world.fake.edited
    assert "Sat 28 Nov 2026" in edit.content


async def test_an_event_announced_before_the_bot_could_manage_events_gets_one_on_its_next_edit(
    world: DiscordWorld,
) -> None:
    world.fake.manage_events = False
    await world.restart()  # the guild as the gateway sends it: no Manage Events
    await world.say(ALICE, "channel event", title="Rust night", when="friday 6pm", place="Café")
    await world.deliver()
    assert world.fake.scheduled_events == {}

    # An admin gives the bot's role Manage Events: the gateway says so with GUILD_ROLE_UPDATE.
    world.fake.manage_events = True
    [_, bot_role] = GUILD_A.create_event(manage_events=True)["roles"]
    world.client._connection.parsers["GUILD_ROLE_UPDATE"](
        {"guild_id": str(GUILD_A.id), "role": bot_role}
    )
    assert world.client.get_guild(GUILD_A.id).me.guild_permissions.value & MANAGE_EVENTS  # type: ignore[union-attr]
    [post] = world.fake.in_channel(GUILD_A.channel_id)
    await world.press(BOB, post, "Going")  # an answer is no change to the event: none yet
    await world.deliver()
    assert world.fake.scheduled_events == {}

    await world.say(ALICE, "channel event-edit", number="1", when="saturday 7pm")
    await world.deliver()
    [(scheduled_id, made)] = world.fake.scheduled_events.items()
    assert made["name"] == "Rust night" and made["entity_metadata"] == {"location": "Café"}
    assert made["scheduled_start_time"].startswith("2026-11-28T19:00:00")
    await world.say(ALICE, "channel event-edit", number="1", place="Café Lisboa")
    await world.deliver()
    assert list(world.fake.scheduled_events) == [scheduled_id]  # kept in step, not made again
    assert made["entity_metadata"] == {"location": "Café Lisboa"}
    await world.say(ALICE, "channel event-cancel", number="1")
    await world.deliver()
    assert made["status"] == 4  # cancelled
    assert "Cancelled" in world.fake.edited[-1].content


async def _open_other(world: DiscordWorld, user: Any, posted: Posted) -> dict[str, Any]:
    """Press "Someone from outside…" on a DM the bot sent: the form (modal) it opens."""
    payload = press(user, posted, "Someone from outside…", guild=None)
    world.dispatch(payload)
    await world.fake.wait_for(lambda: payload["token"] in world.fake.callbacks)
    [callback] = world.fake.callbacks[payload["token"]]
    assert callback["type"] == 9  # MODAL
    return dict(callback["data"])


def _submit(user: Any, posted: Posted, form: dict[str, Any], typed: str) -> dict[str, Any]:
    """The form submitted with `typed` in its one text input (interaction type 5)."""
    payload = press(user, posted, "Someone from outside…", guild=None)
    payload["type"] = 5
    [field] = [
        component
        for row in form["components"]
        for component in (row.get("components") or [row.get("component")])
        if component and component["type"] == 4
    ]
    payload["data"] = {
        "custom_id": form["custom_id"],
        "components": [
            {
                "type": 1,
                "components": [{"type": 4, "custom_id": field["custom_id"], "value": typed}],
            }
        ],
    }
    payload.pop("message", None)
    return payload


async def test_someone_from_outside_opens_a_form_and_each_name_logs_a_meeting_there(
    world: DiscordWorld,
) -> None:
    await world.say(ALICE, "channel event", title="Rust night", when="friday 6pm")
    await world.deliver()
    [post] = world.fake.in_channel(GUILD_A.channel_id)
    for user in (ALICE, BOB):
        await world.press(user, post, "Going")
    await world.deliver()
    world.clock.advance(timedelta(days=3))
    await world.buddy.ticker().tick()
    await world.deliver()
    [asked] = [p for p in world.fake.dms(ALICE) if "Who did you meet" in p.content]

    refused = {
        "@here": "Write their names without @",
        ", ".join(f"Guest {n}" for n in range(200)): "That's 200 names",
        "x" * 2001: "That's 2,001 characters",
        " , ": "Type the name of someone you met there",
    }
    for typed, says in refused.items():
        form = await _open_other(world, ALICE, asked)
        reply = await world.interact(_submit(ALICE, asked, form, typed))
        assert replies_text(reply).startswith(f"⚠️ {says}"), replies_text(reply)
    people = replies_text(await world.slash(ALICE, "people"))
    assert "Rust night" not in people

    form = await _open_other(world, ALICE, asked)
    assert form["title"] == "Someone from outside"
    reply = await world.interact(_submit(ALICE, asked, form, "Zoe from Acme, @ nobody"))
    assert "Write their names without @" in replies_text(reply)
    form = await _open_other(world, ALICE, asked)
    reply = await world.interact(_submit(ALICE, asked, form, "Zoe from Acme, Jo Silva"))
    assert "🤝 Noted: you met Zoe from Acme and Jo Silva at “Rust night”." in replies_text(reply)
    people = replies_text(await world.slash(ALICE, "people"))
    assert people.count("at Rust night (") == 2, people


async def test_forget_me_of_its_creator_cancels_the_scheduled_event_and_renames_it(
    world: DiscordWorld,
) -> None:
    await world.say(
        BOB, "channel event", title="Bob's supper", when="friday 6pm", place="Bob's flat"
    )
    await world.deliver()
    [(_, made)] = world.fake.scheduled_events.items()
    [post] = world.fake.in_channel(GUILD_A.channel_id)
    await world.press(ALICE, post, "Going")
    await world.deliver()

    [asked] = await world.slash(BOB, "forget-me")
    await world.press(BOB, asked, "Erase everything")
    await world.deliver()

    assert made["status"] == 4  # cancelled
    assert made["name"] == "Cancelled event" and "flat" not in repr(made)
    # The post is edited to a bare cancellation, without buttons.
    edit = world.fake.edited[-1]
    assert edit.content.strip() == "❌ This event was cancelled." and edit.buttons == []
