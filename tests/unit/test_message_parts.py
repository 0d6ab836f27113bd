"""Channel references, command references and code: neutral parts that survive the outbox."""

from __future__ import annotations

from bot.commands.replies import error_reply
from bot.core.errors import UserError
from bot.core.identity import Channel, Member, Platform
from bot.core.message import (
    ChannelRef,
    Code,
    CommandRef,
    Mention,
    UserText,
    bullets,
    command,
    message,
    message_from_json,
    message_to_json,
    paragraph,
)

GENERAL = Channel(Platform.SLACK, "T1", "CGENERAL")
SAM = Member(Platform.SLACK, "T1", "USAM")


def test_a_queued_message_keeps_its_channel_command_and_code_parts() -> None:
    queued = message(
        paragraph("Pairing is on in ", ChannelRef(GENERAL, "general"), "."),
        bullets(paragraph(command("promise @sam the slides"), " or ", Code("Europe/Paris"))),
        paragraph(Mention(SAM), " said “", UserText("hi", by=SAM), "”"),
    )

    assert message_from_json(message_to_json(queued)) == queued


def test_a_command_reference_is_the_command_and_its_arguments_as_typed() -> None:
    assert command("promise @sam the slides") == CommandRef("promise", "@sam the slides")
    assert command("join") == CommandRef("join")
    assert command("pairing on").line == "pairing on"


def test_an_error_hint_holding_a_command_reaches_the_reply_as_that_command() -> None:
    error = UserError(
        ("Pairing isn't on in ", ChannelRef(GENERAL), "."),
        hint=("An organiser starts it with ", command("pairing on"), "."),
    )

    reply = error_reply(error)

    assert ChannelRef(GENERAL) in reply.blocks[0].parts
    assert command("pairing on") in reply.blocks[1].parts
    assert str(error) == "Pairing isn't on in #CGENERAL."
    assert reply.plain_text() == (
        "⚠️ Pairing isn't on in #CGENERAL.\nAn organiser starts it with pairing on."
    )


def test_the_members_words_quoted_in_an_error_with_parts_stay_user_text() -> None:
    error = UserError((command("pairing"), " is on, off or now, not “<!here>”."))

    [line] = error_reply(error).blocks

    assert UserText("“<!here>”") in line.parts
