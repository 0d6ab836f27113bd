"""After an event on Slack: "who did you meet?" arrives by DM with a multi-select of the other
attendees, and picking from it (a signed block_actions request) logs the meetings."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.adapters.slack_harness import SlackHarness, all_text, buttons, running_slack

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann")
        harness.fake.add_user("T1", "U2", name="Sam")
        harness.fake.add_user("T1", "U3", name="Lee")
        yield harness


def _selects(blocks: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (block["block_id"], element)
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["type"] == "multi_static_select"
    ]


async def _pick(
    slack: SlackHarness, block_id: str, select: dict[str, Any], values: list[str], *, user: str
) -> dict[str, Any]:
    """What Slack sends when a member closes the multi-select with these options picked."""
    action = {
        "type": "multi_static_select",
        "action_id": select["action_id"],
        "block_id": block_id,
        "selected_options": [o for o in select["options"] if o["value"] in values],
    }
    return await _in_dm(slack, action, user=user, key="pick-" + user + "-" + "-".join(values))


async def _in_dm(
    slack: SlackHarness, action: dict[str, Any], *, user: str, key: str
) -> dict[str, Any]:
    """A block_actions request from an element of a DM the bot sent; the reply to it."""
    payload = {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "trigger_id": f"trigger-{key}",
        "team": {"id": "T1", "domain": "team-t1"},
        "is_enterprise_install": False,
        "container": {"type": "message", "channel_id": f"D{user}", "is_ephemeral": False},
        "channel": {"id": f"D{user}", "name": "directmessage"},
        "response_url": slack.fake.response_url(key),
        "actions": [{**action, "action_ts": str(time.time())}],
    }
    status, _ = await slack.post(
        urlencode({"payload": json.dumps(payload)}),
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 200
    return await slack.reply(key)


@SQLITE_ONLY
async def test_who_did_you_meet_is_a_multi_select_and_each_pick_logs_a_meeting_there(
    slack: SlackHarness,
) -> None:
    await slack.ask('event "Rust night" friday 6pm for 2 hours at Café')
    await slack.delivery.deliver_due()
    [posted] = slack.fake.calls_to("chat.postMessage")
    going = buttons(posted.args["blocks"])["Going"]
    for user in ("U1", "U2", "U3"):
        await slack.reply(await slack.press(going, user=user, channel="C1"))
    await slack.delivery.deliver_due()
    slack.fake.calls.clear()

    slack.clock.advance(timedelta(days=1, hours=12))  # Friday night, after it ended
    await slack.buddy.ticker().tick()
    await slack.delivery.deliver_due()
    asked = [
        call.args
        for call in slack.fake.calls_to("chat.postMessage")
        if "Who did you meet" in all_text(call.args["blocks"])
    ]
    assert sorted(a["channel"] for a in asked) == ["DU1", "DU2", "DU3"]
    ann = next(a for a in asked if a["channel"] == "DU1")
    [(block_id, select)] = _selects(ann["blocks"])
    assert [o["value"] for o in select["options"]] == ["U2", "U3"]
    assert [o["text"]["text"] for o in select["options"]] == ["Sam", "Lee"]
    assert select["max_selected_items"] == 2

    reply = await _pick(slack, block_id, select, ["U3"], user="U1")
    assert "🤝 Noted: you met <@U3> at “Rust night”." in all_text(reply["blocks"])
    # Slack sends the whole selection again when it grows: only the new one is logged.
    reply = await _pick(slack, block_id, select, ["U3", "U2"], user="U1")
    assert "you met <@U2> at" in all_text(reply["blocks"])
    people = all_text((await slack.ask("people"))["blocks"])
    assert people.count("Rust night (Fri 27 Nov)") == 2
    # A value that was never offered changes nothing.
    reply = await _pick(
        slack, block_id, {**select, "options": [{"value": "U9"}]}, ["U9"], user="U1"
    )
    assert "Pick people from the list" in all_text(reply["blocks"])


async def _type_names(
    slack: SlackHarness, block: dict[str, Any], typed: str | None, *, user: str, key: str
) -> dict[str, Any]:
    """What Slack sends when a member types in the message's input and presses Enter."""
    action = {
        "type": "plain_text_input",
        "action_id": block["element"]["action_id"],
        "block_id": block["block_id"],
        "value": typed,
    }
    return await _in_dm(slack, action, user=user, key=key)


@SQLITE_ONLY
async def test_people_from_outside_are_typed_in_the_dm_and_each_logs_a_meeting_there(
    slack: SlackHarness,
) -> None:
    await slack.ask('event "Rust night" friday 6pm for 2 hours at Café')
    await slack.delivery.deliver_due()
    [posted] = slack.fake.calls_to("chat.postMessage")
    await slack.reply(await slack.press(buttons(posted.args["blocks"])["Going"], user="U1"))
    await slack.delivery.deliver_due()
    slack.fake.calls.clear()
    slack.clock.advance(timedelta(days=1, hours=12))  # Friday night, after it ended
    await slack.buddy.ticker().tick()
    await slack.delivery.deliver_due()
    [asked] = [
        c.args
        for c in slack.fake.calls_to("chat.postMessage")
        if "How was “Rust night”?" in all_text(c.args["blocks"])
    ]
    assert asked["channel"] == "DU1"  # the only one going: nobody else to pick, names to type
    [field] = [b for b in asked["blocks"] if b["type"] == "input"]
    assert field["dispatch_action"] is True
    assert field["element"]["type"] == "plain_text_input"
    assert field["label"]["text"] == "Someone from outside"

    refused = {
        "": "Type the name of someone you met there",
        "@here, Jo": "Write their names without @",  # as Slack sends what was typed
        ", ".join(f"Guest {n}" for n in range(200)): "That's 200 names",
        "x" * 2001: "That's 2,001 characters",
    }
    for n, (typed, says) in enumerate(refused.items()):
        reply = await _type_names(slack, field, typed, user="U1", key=f"bad{n}")
        assert all_text(reply["blocks"]).startswith(f"⚠️ {says}"), reply
    reply = await _type_names(slack, field, None, user="U1", key="null")  # sent empty
    assert all_text(reply["blocks"]).startswith("⚠️ Type the name of someone you met there")
    assert "Rust night" not in all_text((await slack.ask("people"))["blocks"])

    reply = await _type_names(slack, field, "Zoe from Acme, Jo & Co", user="U1", key="ok")
    text = all_text(reply["blocks"])
    assert "🤝 Noted: you met Zoe from Acme and Jo &amp; Co at “Rust night”." in text, text
    people = all_text((await slack.ask("people"))["blocks"])
    assert people.count("at Rust night (Fri 27 Nov)") == 2
    # Someone else's press on Ann's question is refused: only those asked may answer.
    reply = await _type_names(slack, field, "Mallory", user="U2", key="other")
    assert all_text(reply["blocks"]).startswith("⚠️ That question is no longer here.")
