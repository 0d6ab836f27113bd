"""`help`, and how the service reads a command line before any command sees it."""

from __future__ import annotations

import pytest

from bot.commands.registry import COMMANDS
from bot.core.identity import Member
from tests.unit.harness import ALICE, BOB, GENERAL, Buddy

# Everything a command's examples may refer to: @sam, promises #1 and #2; pairing on in
# #general, where @sam, @bob and the member running the examples take part; and event 1 there.
SETUP = (
    "met <@USAM> at PyCon",
    "promise <@USAM> the slides by friday",
    "promise <@USAM> a link",
    "snooze 2 tomorrow 9am",  # something for `undo` to take back
)
SAM = Member(ALICE.platform, ALICE.workspace_id, "USAM")
EXAMPLES = [(spec.name, example) for spec in COMMANDS for example in spec.examples]


def test_help_lists_every_command_with_an_example(buddy: Buddy) -> None:
    reply = buddy.say("help")
    for spec in COMMANDS:
        assert f"{spec.usage} — {spec.summary} e.g. {spec.examples[0]}" in reply


def test_help_says_what_the_bot_is_for_and_that_notes_stay_private(buddy: Buddy) -> None:
    reply = buddy.say("help")
    assert reply.startswith("Networking Buddy")
    assert "private to you" in reply


@pytest.mark.parametrize(("command", "example"), EXAMPLES)
def test_every_example_in_the_help_works_as_written(
    buddy: Buddy, command: str, example: str
) -> None:
    for line in SETUP:
        buddy.say(line)
    buddy.say("pairing on", channel=GENERAL, is_organiser=True)
    for member in (ALICE, BOB, SAM):
        buddy.say("join", by=member, channel=GENERAL)
    buddy.say('event "Rust night" friday 6pm', channel=GENERAL)
    # Channel commands (pairing, prompts) are run in a channel; every example by an organiser.
    [spec] = [spec for spec in COMMANDS if spec.name == command]
    where = {"channel": GENERAL, "is_organiser": True} if spec.needs_channel else {}
    where["is_organiser"] = True
    reply = buddy.say(example.replace("@sam", "<@USAM>").replace("@bob", "<@UBOB>"), **where)
    assert not reply.startswith(("⚠️", "Sorry")), reply


def test_help_for_one_command_shows_its_usage_summary_and_examples(buddy: Buddy) -> None:
    reply = buddy.say("help promise")
    assert reply.splitlines()[0] == "promise @person <what> [by / in / on / at <when>]"
    assert "Remember what you promised" in reply
    assert "• promise @sam the Rust talk slides by friday" in reply
    assert "in 2 days" in reply


def test_help_for_an_alias_explains_the_command_and_names_its_aliases(buddy: Buddy) -> None:
    reply = buddy.say("help kept")
    assert reply.splitlines()[0].startswith("done <number>")
    assert "also: kept" in reply


def test_help_accepts_the_slash_command_in_front_of_the_name(buddy: Buddy) -> None:
    assert buddy.say("help /buddy drop").startswith("drop <number>")


def test_help_for_a_misspelt_command_suggests_the_nearest(buddy: Buddy) -> None:
    reply = buddy.refused("help promis")
    assert "“promis”" in reply
    assert "Did you mean promise?" in reply


def test_help_for_a_command_that_does_not_exist_points_to_the_list(buddy: Buddy) -> None:
    reply = buddy.refused("help flurb")
    assert "no command called “flurb”" in reply
    assert "help lists everything I can do." in reply


@pytest.mark.parametrize("text", ["", "   ", "/buddy", "/buddy   ", "\n\t"])
def test_empty_input_shows_help(buddy: Buddy, text: str) -> None:
    assert buddy.say(text) == buddy.say("help")


def test_the_slash_command_prefix_is_optional(buddy: Buddy) -> None:
    buddy.say("/buddy met <@UBOB> at PyCon")
    assert buddy.say("/buddy people") == buddy.say("people")
    assert "@UBOB" in buddy.say("people")


def test_command_names_are_read_in_any_case(buddy: Buddy) -> None:
    assert buddy.say("HELP") == buddy.say("help")
    assert buddy.say("Help Promise") == buddy.say("help promise")


def test_an_unknown_command_suggests_the_nearest_and_changes_nothing(buddy: Buddy) -> None:
    buddy.say("met <@UBOB>")
    reply = buddy.refused("promis <@UBOB> the slides by friday")
    assert "I don't know the command “promis”" in reply
    assert "Did you mean promise?" in reply
    assert "help lists everything I can do." in reply


def test_an_unknown_command_with_nothing_close_still_points_to_help(buddy: Buddy) -> None:
    reply = buddy.refused("xyzzy plugh")
    assert "“xyzzy”" in reply
    assert "Did you mean" not in reply
    assert "help lists everything I can do." in reply


def test_an_unknown_button_is_answered_kindly(buddy: Buddy) -> None:
    before = buddy.snapshot()
    reply = buddy.press("no.such.action", "1").plain_text()
    assert "no longer does anything" in reply
    assert buddy.snapshot() == before
