"""`/buddy` on Slack: signed requests to the running app, private replies in the ack or later."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from collections.abc import AsyncIterator
from typing import Any
from unittest import mock

import pytest
from sqlalchemy import make_url

from bot.config import ConfigError, load_settings
from bot.core.identity import Channel, Member, Platform
from bot.plugins.slack import slack_config
from bot.store.requests import SqlRequestLog
from tests.adapters.slack_harness import (
    FORM,
    SlackHarness,
    all_text,
    buttons,
    clean_environment,
    running_slack,
)

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
GENEROUS = {"buddy_ack_budget_seconds": 2.5}  # the longest answer budget allowed
QUICK = {"buddy_ack_budget_seconds": 0.05}
ANN = Member(Platform.SLACK, "T1", "U1")


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann", tz="America/New_York")
        harness.fake.add_user("T1", "U2", name="Sam")
        harness.fake.add_user("T1", "U3", name="Cara")
        yield harness


def contact_names(slack: SlackHarness, member: Member = ANN) -> list[str]:
    with slack.buddy.uow_factory() as uow:
        return sorted(contact.name for contact in uow.contacts.list(member))


def assert_nothing_posted_in_channels(slack: SlackHarness) -> None:
    """Replies are private: never chat.postMessage or postEphemeral into a channel."""
    for call in slack.fake.calls:
        if call.method in {"chat.postMessage", "chat.postEphemeral"}:
            assert str(call.args.get("channel", "")).startswith("D"), call


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("timestamp", "signature"),
    [
        pytest.param(None, None, id="absent"),
        pytest.param(None, "v0=" + "0" * 64, id="wrong"),
        pytest.param(int(time.time()) - 6 * 60, "sign", id="stale"),
    ],
)
async def test_a_request_without_a_valid_fresh_signature_is_refused_and_changes_nothing(
    slack: SlackHarness, timestamp: int | None, signature: str | None
) -> None:
    body = slack.command_body("met <@U2|sam> at PyCon", key="forged")

    status, _ = await slack.post(
        body,
        content_type="application/x-www-form-urlencoded",
        timestamp=timestamp,
        signature=signature,
    )
    await asyncio.sleep(0.1)  # anything the app might wrongly do after answering

    assert status == 401
    assert slack.fake.replies("forged") == []
    assert slack.fake.calls == []
    assert contact_names(slack) == []


@SQLITE_ONLY
async def test_a_body_altered_after_signing_is_refused(slack: SlackHarness) -> None:
    stamp = int(time.time())
    from slack_sdk.signature import SignatureVerifier

    from tests.adapters.slack_harness import SIGNING_SECRET

    signed = SignatureVerifier(SIGNING_SECRET).generate_signature(
        timestamp=str(stamp), body=slack.command_body("help")
    )
    status, _ = await slack.post(
        slack.command_body("forget-me confirm"),
        content_type="application/x-www-form-urlencoded",
        timestamp=stamp,
        signature=signed,
    )
    assert status == 401


@SQLITE_ONLY
async def test_help_is_answered_in_the_acknowledgement_only_to_the_invoker(
    database_url: str,
) -> None:
    # The longest budget allowed, so a loaded machine can't push `help` past it.
    async with running_slack(database_url, extra_settings=GENEROUS) as slack:
        status, ack = await slack.post(slack.command_body("help", key="help"), content_type=FORM)
        await slack.settle()

    assert status == 200
    reply = json.loads(ack)
    assert reply["response_type"] == "ephemeral"
    assert "*Networking Buddy* remembers who you met" in reply["text"]
    assert "`/buddy promise @person &lt;what&gt;" in all_text(reply["blocks"])
    assert slack.fake.replies("help") == []  # answered once, in the ack
    assert_nothing_posted_in_channels(slack)


@SQLITE_ONLY
async def test_what_a_command_answers_in_its_acknowledgement_is_already_saved(
    database_url: str,
) -> None:
    async with running_slack(database_url, extra_settings=GENEROUS) as slack:
        status, ack = await slack.post(
            slack.command_body("met <@U2|sam> at PyCon", key="met"), content_type=FORM
        )
        saved_by_the_answer = contact_names(slack)  # before anything after the ack has run
        await slack.settle()

    assert status == 200
    assert json.loads(ack)["blocks"][0]["text"]["text"].startswith("🤝 Noted: you met <@U2>")
    assert saved_by_the_answer == ["sam"]
    assert slack.fake.replies("met") == []


@SQLITE_ONLY
async def test_a_command_failing_inside_is_still_answered_kindly_in_the_acknowledgement(
    database_url: str,
) -> None:
    async with running_slack(database_url, extra_settings=GENEROUS) as slack:

        def broken() -> None:
            raise RuntimeError("the database went away")

        with mock.patch.object(slack.bot._service, "_uow_factory", broken):
            status, ack = await slack.post(
                slack.command_body("met <@U2|sam> at PyCon", key="oops"), content_type=FORM
            )
            await slack.settle()
        kept = contact_names(slack)

    assert status == 200
    assert "something went wrong on my side and nothing was changed" in json.loads(ack)["text"]
    assert slack.fake.replies("oops") == []
    assert kept == []


@SQLITE_ONLY
async def test_a_command_whose_replay_check_fails_is_answered_kindly_and_runs_nothing(
    database_url: str,
) -> None:
    async with running_slack(database_url, extra_settings=GENEROUS) as slack:
        # The check runs first in the command's own transaction.
        def unreachable(self: SqlRequestLog, digest: str, *, signed_at: int) -> bool:
            raise RuntimeError("the database went away")

        with mock.patch.object(SqlRequestLog, "first_seen", unreachable):
            status, ack = await slack.post(
                slack.command_body("met <@U2|sam> at PyCon", key="down"), content_type=FORM
            )
            await slack.settle()
        kept = contact_names(slack)

    assert status == 200
    assert "something went wrong on my side and nothing was changed" in json.loads(ack)["text"]
    assert slack.fake.replies("down") == []
    assert kept == []


@SQLITE_ONLY
async def test_an_empty_command_shows_the_help(slack: SlackHarness) -> None:
    reply = await slack.ask("")

    assert "remembers who you met" in reply["text"]


async def test_met_records_the_mentioned_member_under_the_name_slack_sent(
    slack: SlackHarness,
) -> None:
    reply = await slack.ask("met <@U2|sam> at PyCon &amp; the sprint")

    assert (
        reply["blocks"][0]["text"]["text"] == "🤝 Noted: you met <@U2> at PyCon &amp; the sprint."
    )
    assert contact_names(slack) == ["sam"]
    assert_nothing_posted_in_channels(slack)


async def test_met_with_two_members_logs_both_with_the_same_context(slack: SlackHarness) -> None:
    reply = await slack.ask("met <@U2|sam> <@U3|cara>, at the bar")

    assert reply["blocks"][0]["text"]["text"] == "🤝 Noted: you met <@U2> and <@U3> at the bar."
    assert contact_names(slack) == ["cara", "sam"]
    with slack.buddy.uow_factory() as uow:
        assert [m.context for m in uow.meetings.list(ANN)] == ["at the bar", "at the bar"]


async def test_people_with_a_mention_shows_that_person_s_history(slack: SlackHarness) -> None:
    await slack.ask("met <@U2|sam> at PyCon")
    await slack.ask("note <@U2|sam>: loves &lt;b&gt;sourdough&lt;/b&gt;")

    reply = await slack.ask("people <@U2|sam>")

    assert all_text(reply["blocks"]).splitlines() == [
        "<@U2> — your contact since Thu 26 Nov, last touch Thu 26 Nov.",
        "Meetings (1):",
        "• Thu 26 Nov: at PyCon",
        "Notes (1):",
        "• Thu 26 Nov: loves &lt;b&gt;sourdough&lt;/b&gt;",
    ]


@SQLITE_ONLY
async def test_a_mention_without_a_name_is_named_from_the_member_s_slack_profile(
    slack: SlackHarness,
) -> None:
    await slack.ask("met <@U3> at the meetup")

    assert contact_names(slack) == ["Cara"]
    assert [c.args["user"] for c in slack.fake.calls_to("users.info")] == ["U1", "U3"]


@SQLITE_ONLY
async def test_broadcasts_typed_by_a_member_never_reach_slack_as_live_mentions(
    slack: SlackHarness,
) -> None:
    # What Slack sends for: @channel @here @everyone @design-team <!here> (typed literally) & <b>
    typed = (
        "promise <@U2|sam> a talk for <!channel> <!here> <!everyone> "
        "<!subteam^S123|@design-team> &lt;!here&gt; &lt;!subteam^S9&gt; &amp; &lt;b&gt;"
    )

    reply = await slack.ask(typed)
    listed = await slack.ask("promises")

    sent = (
        "a talk for @\u200bchannel @\u200bhere @\u200beveryone @design-team "
        "&lt;!here&gt; &lt;!subteam^S9&gt; &amp; &lt;b&gt;"
    )
    assert reply["blocks"][0]["text"]["text"] == f"✅ Promise #1: send <@U2> “{sent}”"
    assert f"#1 {sent} → <@U2>" in all_text(listed["blocks"])
    for body in (reply, listed):
        assert "<!" not in json.dumps(body, ensure_ascii=False)
    assert_nothing_posted_in_channels(slack)


@SQLITE_ONLY
async def test_a_broadcast_is_not_taken_for_a_person(slack: SlackHarness) -> None:
    reply = await slack.ask("met <!channel> at PyCon")

    assert reply["blocks"][0]["text"]["text"].startswith("⚠️ I can only note one person")
    assert contact_names(slack) == []
    assert "<!" not in json.dumps(reply)


@SQLITE_ONLY
async def test_the_member_s_slack_time_zone_applies_until_they_choose_one(
    slack: SlackHarness,
) -> None:
    before = await slack.ask("settings")
    await slack.ask("settings timezone Europe/Paris")
    after = await slack.ask("settings")

    assert "Time zone: America/New_York (from your platform" in all_text(before["blocks"])
    assert "Time zone: Europe/Paris\n" in all_text(after["blocks"]) + "\n"
    assert len(slack.fake.calls_to("users.info")) == 1  # cached


@SQLITE_ONLY
async def test_a_member_slack_gives_no_time_zone_is_told_times_are_read_in_utc(
    slack: SlackHarness,
) -> None:
    slack.fake.add_user("T1", "U4", name="Dee", tz="")

    dee = await slack.reply(await slack.command("promise <@U2> the slides by friday", user="U4"))
    ann = await slack.ask("promise <@U2> the slides by friday")

    assert all_text(dee["blocks"]).endswith(
        "🕑 I read times in UTC until you choose your time zone: "
        "`/buddy settings timezone Europe/Paris` (any city's zone)."
    )
    assert "UTC" not in all_text(ann["blocks"])  # New York, as Slack says


@SQLITE_ONLY
async def test_a_command_slower_than_its_budget_is_acked_empty_then_answered_once_later(
    database_url: str,
) -> None:
    async with running_slack(database_url, extra_settings=QUICK) as slack:
        path = make_url(database_url).database
        blocker = sqlite3.connect(str(path), isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # every other writer and reader now waits
        try:
            status, ack = await slack.post(
                slack.command_body("met <@U2|sam> at PyCon", key="slow"), content_type=FORM
            )
            answered_while_locked = slack.fake.replies("slow") == []
        finally:
            blocker.execute("COMMIT")
            blocker.close()
        reply = await slack.reply("slow")  # exactly one, through response_url

        assert (status, ack) == (200, "")  # the budget ran out: acknowledged, empty, at once
        assert answered_while_locked
        assert reply["response_type"] == "ephemeral"
        assert reply["blocks"][0]["text"]["text"].startswith("🤝 Noted: you met <@U2>")
        assert contact_names(slack) == ["sam"]  # the work ran once, though it missed the ack


async def submit_promise_form(
    slack: SlackHarness, *, who: str | None, what: str, when: str | None
) -> tuple[str, dict[str, Any], tuple[int, str], dict[str, Any]]:
    """`/buddy promise` alone, then the form it opens submitted: the command's key, the form,
    the submission's answer, and the `views.update` showing the reply."""
    values = {
        "person": {"value": {"type": "users_select", "selected_user": who}},
        "person__name": {"value": {"type": "plain_text_input", "value": None}},
        "what": {"value": {"type": "plain_text_input", "value": what}},
        "when": {"value": {"type": "plain_text_input", "value": when}},
    }
    return await submit_form(slack, "promise", values)


async def submit_form(
    slack: SlackHarness, command: str, values: dict[str, Any]
) -> tuple[str, dict[str, Any], tuple[int, str], dict[str, Any]]:
    """`/buddy <command>` alone, then the form it opens submitted with `values`."""
    key = await slack.command(command)
    await slack.fake.wait_until(lambda: slack.fake.calls_to("views.open"))
    form = slack.fake.calls_to("views.open")[0].args
    answer = await slack.submit_view(form["view"], values)
    await slack.fake.wait_until(lambda: slack.fake.calls_to("views.update"))
    await slack.settle()
    return key, form, answer, slack.fake.calls_to("views.update")[0].args


@SQLITE_ONLY
async def test_promise_alone_opens_a_form_whose_submission_makes_the_promise(
    slack: SlackHarness,
) -> None:
    key, form, (status, ack), update = await submit_promise_form(
        slack, who="U2", what="the <!here> slides", when="friday"
    )

    assert form["trigger_id"] == f"trigger-{key}"  # the form opens on the command's trigger
    assert form["view"]["callback_id"] == "buddy.form"
    assert [block["block_id"] for block in form["view"]["blocks"]] == [
        "person",
        "person__name",
        "what",
        "when",
    ]  # one input per declared argument, and a name for someone outside the workspace
    assert status == 200 and json.loads(ack)["response_action"] == "update"
    assert update["view_id"] == "V7"
    shown = all_text(update["view"]["blocks"])
    assert shown.startswith("✅ Promise #1: send <@U2> “the &lt;!here&gt; slides”")
    assert "Due Fri 27 Nov" in shown
    assert_nothing_posted_in_channels(slack)


@SQLITE_ONLY
async def test_met_alone_opens_a_form_that_logs_everyone_in_it_with_the_same_context(
    slack: SlackHarness,
) -> None:
    picked = {"type": "users_select"}
    typed = {"type": "plain_text_input"}
    values = {
        "person": {"value": {**picked, "selected_user": "U2"}},
        "person__name": {"value": {**typed, "value": None}},
        "person_2": {"value": {**picked, "selected_user": None}},
        "person_2__name": {"value": {**typed, "value": "Ana Lima"}},
        "person_3": {"value": {**picked, "selected_user": "U3"}},
        "person_3__name": {"value": {**typed, "value": None}},
        "context": {"value": {**typed, "value": "at the Rust meetup"}},
    }
    *_, (status, _ack), update = await submit_form(slack, "met", values)
    people = all_text((await slack.ask("people"))["blocks"])

    assert status == 200
    shown = all_text(update["view"]["blocks"])
    assert shown.startswith("🤝 Noted: you met <@U2>, Ana Lima and <@U3> at the Rust meetup."), (
        shown
    )
    for who in ("<@U2>", "Ana Lima", "<@U3>"):
        assert f"{who} — met Thu 26 Nov, at the Rust meetup" in people, people
    assert_nothing_posted_in_channels(slack)


@SQLITE_ONLY
@pytest.mark.parametrize("what", ["a talk by Ana", "slides for the meeting on friday"])
async def test_time_words_in_the_forms_what_stay_in_the_promise_with_no_date(
    slack: SlackHarness, what: str
) -> None:
    *_, update = await submit_promise_form(slack, who="U2", what=what, when=None)

    shown = all_text(update["view"]["blocks"])
    assert shown.startswith(f"✅ Promise #1: send <@U2> “{what}”"), shown
    assert "No date given, so no reminder" in shown


@SQLITE_ONLY
async def test_a_forms_when_only_partly_a_time_is_refused_and_nothing_is_saved(
    slack: SlackHarness,
) -> None:
    *_, update = await submit_promise_form(
        slack, who="U2", what="the deck", when="in 2 days on friday"
    )
    listing = await slack.ask("promises")

    shown = all_text(update["view"]["blocks"])
    assert shown.startswith("⚠️ I couldn't read “in 2 days on friday” as a date or time."), shown
    assert all_text(listing["blocks"]).startswith("No open promises.")


@SQLITE_ONLY
async def test_a_command_refreshes_the_home_tab_of_a_member_who_looked_at_it(
    slack: SlackHarness,
) -> None:
    await slack.ask("promise <@U2|sam> the slides by friday", user="U3")  # never opened Home
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})

    await slack.ask("promise <@U2|sam> the slides by friday")

    published = slack.fake.calls_to("views.publish")
    assert [call.args["user_id"] for call in published] == ["U1", "U1"]
    home = published[-1].args["view"]
    assert home["type"] == "home"
    assert "#1 the slides → <@U2>" in all_text(home["blocks"])
    assert "Done #1" in buttons(home["blocks"])


@SQLITE_ONLY
async def test_a_channel_and_a_command_in_a_reply_are_a_slack_link_and_a_slash_command(
    slack: SlackHarness,
) -> None:
    reply = await slack.reply(await slack.command("join", channel="CEVENTS"))

    text = all_text(reply["blocks"])
    assert "Pairing isn't on in <#CEVENTS>." in text
    assert "An organiser starts it with `/buddy pairing on`." in text


@SQLITE_ONLY
async def test_pairing_on_keeps_the_channel_name_slack_sends_for_members_contacts(
    slack: SlackHarness,
) -> None:
    slack.fake.add_user("T1", "U9", name="Org", is_admin=True)

    reply = await slack.reply(await slack.command("pairing on", user="U9", channel="CGENERAL"))

    assert "Pairing is on in <#CGENERAL>" in all_text(reply["blocks"])
    with slack.buddy.uow_factory() as uow:
        pairing = uow.pairing.channel(Channel(Platform.SLACK, "T1", "CGENERAL"))
    assert pairing is not None and pairing.channel_name == "general"


def test_an_answer_budget_slack_would_give_up_on_is_refused_at_start() -> None:
    with clean_environment():
        os.environ["BUDDY_ACK_BUDGET_SECONDS"] = "5"  # Slack stops waiting for the ack at 3 s
        with pytest.raises(ConfigError, match="BUDDY_ACK_BUDGET_SECONDS: expected a number"):
            load_settings()
        os.environ["BUDDY_ACK_BUDGET_SECONDS"] = "0.5"
        assert slack_config(load_settings()).ack_budget == 0.5
