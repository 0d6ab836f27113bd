"""Buttons, the App Home tab and events on Slack, driven as Slack sends them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.core.identity import Member, Platform
from tests.adapters.slack_harness import SlackHarness, all_text, buttons, running_slack

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
ANN = Member(Platform.SLACK, "T1", "U1")


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann")
        harness.fake.add_user("T1", "U2", name="Sam")
        yield harness


def open_promises(slack: SlackHarness) -> list[str]:
    with slack.buddy.uow_factory() as uow:
        return [p.what for p in uow.promises.list_open(ANN)]


def published_homes(slack: SlackHarness) -> list[dict]:  # type: ignore[type-arg]
    return [call.args["view"] for call in slack.fake.calls_to("views.publish")]


@SQLITE_ONLY
async def test_the_done_button_under_the_promises_list_keeps_the_promise(
    slack: SlackHarness,
) -> None:
    await slack.ask("promise <@U2|sam> the slides by friday")
    listed = await slack.ask("promises")
    done = buttons(listed["blocks"])["Done #1"]

    reply = await slack.reply(await slack.press(done))

    assert done["action_id"] == "promise.done:1" and done["style"] == "primary"
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert all_text(reply["blocks"]).startswith("🎉 Kept on time: “the slides” for <@U2>.")
    assert open_promises(slack) == []


@SQLITE_ONLY
async def test_each_button_of_a_message_has_its_own_action_id(slack: SlackHarness) -> None:
    for what in ("the slides", "an intro", "the paper"):
        await slack.ask(f"promise <@U2|sam> {what}")

    listed = await slack.ask("promises")

    ids = [button["action_id"] for button in buttons(listed["blocks"]).values()]
    assert ids == ["promise.done:1", "promise.done:2", "promise.done:3"]


@SQLITE_ONLY
async def test_snooze_pressed_on_a_reminder_dm_moves_the_reminder(slack: SlackHarness) -> None:
    await slack.ask("promise <@U2|sam> the slides in 1 minute")
    slack.clock.advance(timedelta(minutes=2))
    await slack.buddy.ticker().tick()
    await slack.delivery.deliver_due()
    [dm] = [call.args for call in slack.fake.calls_to("chat.postMessage")]

    reply = await slack.reply(
        await slack.press(buttons(dm["blocks"])["Snooze a day"], channel=dm["channel"])
    )

    assert dm["channel"] == "DU1"
    assert all_text(reply["blocks"]).startswith("😴 I'll remind you about #1 “the slides”")
    with slack.buddy.uow_factory() as uow:
        [snoozed] = uow.promises.list_open(ANN)
    assert (snoozed.remind_at, snoozed.snoozes) == (slack.clock.now() + timedelta(days=1), 1)


@SQLITE_ONLY
async def test_opening_the_home_tab_shows_open_promises_balance_and_settings(
    slack: SlackHarness,
) -> None:
    await slack.ask("promise <@U2|sam> the slides by friday")
    slack.fake.calls.clear()

    status = await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})

    assert status == 200
    [home] = published_homes(slack)
    text = all_text(home["blocks"])
    assert "Your open promises (1)" in text and "#1 the slides → <@U2>" in text
    assert "Your balance:" in text
    assert "Your settings:" in text
    assert list(buttons(home["blocks"])) == ["Done #1"]
    assert slack.fake.calls_to("views.publish")[0].args["user_id"] == "U1"


@SQLITE_ONLY
async def test_done_pressed_on_the_home_tab_updates_the_home_tab(slack: SlackHarness) -> None:
    await slack.ask("promise <@U2|sam> the slides by friday")
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    done = buttons(published_homes(slack)[-1]["blocks"])["Done #1"]
    slack.fake.calls.clear()

    await slack.press(done, home=True)
    await slack.fake.wait_until(lambda: slack.fake.calls_to("views.publish"))
    await slack.settle()

    [home] = published_homes(slack)
    text = all_text(home["blocks"])
    assert "🎉 Kept on time: “the slides” for <@U2>." in text
    assert "No open promises." in text
    assert buttons(home["blocks"]) == {}
    assert open_promises(slack) == []


@SQLITE_ONLY
async def test_the_messages_tab_opening_publishes_nothing(slack: SlackHarness) -> None:
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "messages"})

    assert published_homes(slack) == []


async def test_an_event_retried_by_slack_is_applied_once(slack: SlackHarness) -> None:
    opened = {"type": "app_home_opened", "user": "U1", "tab": "home"}

    first = await slack.event(opened, event_id="Ev42")
    retried = await slack.event(opened, event_id="Ev42", retry=1)
    another = await slack.event(opened, event_id="Ev43")

    assert (first, retried, another) == (200, 200, 200)
    assert len(published_homes(slack)) == 2  # Ev42 once, Ev43 once
