"""An introduction made on Slack: each side's ice-breakers arrive by DM, from their own records,
and the select that offers the `tips` topics in a form."""

from __future__ import annotations

import pytest

from bot.adapters.slack.forms import command_form, read_form
from bot.commands.tips import TIPS
from tests.adapters import test_slack_reminders_and_intros as intros
from tests.adapters.slack_harness import SlackHarness, all_text

slack = intros.slack  # the same fixture: the real Slack app over HTTP, Ann, Sam and Cara


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_both_sides_of_an_introduction_get_their_own_ice_breakers(
    slack: SlackHarness,
) -> None:
    await slack.ask("met <@U3|cara> at the keyboard meetup", user="U2")
    await slack.ask("promise <@U3|cara> the switch tester", user="U2")
    await slack.ask("note <@U2|sam> CARAS-OWN-NOTE talks fast", user="U3")
    await slack.ask("looking-for help with keyboard firmware", user="U3")
    await slack.ask("offer keyboard firmware reviews", user="U2")
    asks = await intros.introduce(slack)
    await slack.reply(await slack.press(intros.ask_to(asks, "U2")["Accept"], user="U2"))
    await slack.reply(await slack.press(intros.ask_to(asks, "U3")["Accept"], user="U3"))
    await slack.delivery.deliver_due()

    def ice_to(user: str) -> str:
        [found] = [
            all_text(post["blocks"])
            for post in intros.posts(slack)
            if post["channel"] == f"D{user}" and all_text(post["blocks"]).startswith("🧊")
        ]
        return found

    to_sam, to_cara = ice_to("U2"), ice_to("U3")
    assert "<@U3>:" in to_sam and "at the keyboard meetup" in to_sam
    assert "You promised “the switch tester”" in to_sam
    assert (
        "Common ground: you offer “keyboard firmware reviews”; they're looking for "
        "“help with keyboard firmware”" in to_sam
    )
    assert "CARAS-OWN-NOTE" not in to_sam
    assert "CARAS-OWN-NOTE talks fast" in to_cara
    assert "switch tester" not in to_cara and "keyboard meetup" not in to_cara
    [group] = [post for post in intros.posts(slack) if post["channel"] == "GU1U2U3"]
    assert "🧊" not in all_text(group["blocks"])  # nothing private in the shared conversation


def test_the_tips_topic_is_a_select_in_a_slack_form_and_read_back_typed() -> None:
    form = command_form(TIPS, channel_id="C1")
    [block] = form["blocks"]
    assert block["element"]["type"] == "static_select"
    assert [o["value"] for o in block["element"]["options"]] == [
        "first meeting",
        "follow up",
        "give",
        "ask",
    ]
    picked = {"topic": {"value": {"type": "static_select", "selected_option": {"value": "give"}}}}
    assert read_form(TIPS, picked).args == {"topic": "give"}
