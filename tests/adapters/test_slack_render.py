"""Slack markup both ways: what members read, and how their `/buddy` text reaches the core."""

from __future__ import annotations

from bot.adapters.slack.render import (
    MESSAGE_BLOCK_LIMIT,
    SECTION_LIMIT,
    fallback_text,
    read_command_text,
    render,
    user_text,
)
from bot.core.identity import Channel, Member, Platform
from bot.core.message import (
    Attachment,
    ChannelRef,
    Choice,
    ChoiceStyle,
    Code,
    Mention,
    Strong,
    UserText,
    bullets,
    command,
    message,
    paragraph,
)

SAM = Member(Platform.SLACK, "T1", "U2")


def test_bot_text_keeps_its_markup_while_typed_text_is_shown_literally() -> None:
    rendered = render(
        message(
            paragraph(
                "Try `done 1` ",
                Strong("now"),
                " for ",
                Mention(SAM),
                ": ",
                UserText("*<b>* & <!channel>"),
            )
        )
    )

    assert rendered.blocks == [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": (
                    "Try `done 1` *now* for <@U2>: \u2217&lt;b&gt;\u2217 &amp; &lt;!channel&gt;"
                ),
            },
        }
    ]
    assert rendered.text == rendered.blocks[0]["text"]["text"]


def test_a_member_mention_typed_in_free_text_stays_a_mention_but_nothing_else_does() -> None:
    typed = "intro to <@U77> and <@W88>, not <!subteam^S1> nor <#C1> nor @everyone"

    assert user_text(typed) == (
        "intro to <@U77> and <@W88>, not &lt;!subteam^S1&gt; nor &lt;#C1&gt; nor @\u200beveryone"
    )


def test_choices_become_buttons_numbered_within_the_message() -> None:
    rendered = render(
        message(
            paragraph("Pick one"),
            choices=(
                Choice("Done #1", "promise.done", "41", ChoiceStyle.PRIMARY),
                Choice("Done #2", "promise.done", "42", ChoiceStyle.PRIMARY),
                Choice("Erase everything", "forget.confirm", "", ChoiceStyle.DANGER),
            ),
        )
    )

    [actions] = [block for block in rendered.blocks if block["type"] == "actions"]
    assert [(b["action_id"], b.get("value"), b["style"]) for b in actions["elements"]] == [
        ("promise.done:1", "41", "primary"),
        ("promise.done:2", "42", "primary"),
        ("forget.confirm:3", None, "danger"),
    ]


def test_a_very_long_list_is_split_to_fit_slack_and_keeps_its_buttons() -> None:
    items = [paragraph(f"#{n} ", UserText("x" * 200)) for n in range(1, 2001)]
    choices = tuple(Choice(f"Done #{n}", "promise.done", str(n)) for n in range(1, 6))

    rendered = render(message(paragraph("Your promises:"), bullets(*items), choices=choices))

    sections = [b for b in rendered.blocks if b["type"] == "section"]
    assert len(rendered.blocks) <= MESSAGE_BLOCK_LIMIT
    assert all(len(s["text"]["text"]) <= SECTION_LIMIT for s in sections)
    assert sections[1]["text"]["text"].startswith("• #1 xxx")
    assert sections[-1]["text"]["text"] == "_…and more than fits here._"
    assert rendered.blocks[-1]["type"] == "actions"
    assert len(rendered.text) <= 3000


def test_a_line_longer_than_a_section_continues_in_the_next_one_without_loss() -> None:
    rendered = render(message(paragraph("say ", UserText("<&>" * 700), " ", Mention(SAM))))

    texts = [block["text"]["text"] for block in rendered.blocks]
    assert len(texts) == 4 and all(len(text) <= SECTION_LIMIT for text in texts)
    rejoined = "".join(text.removeprefix("…").removesuffix("…") for text in texts)
    assert rejoined == "say " + "&lt;&amp;&gt;" * 700 + " <@U2>"


def test_a_shortened_fallback_never_ends_inside_an_entity_or_a_mention() -> None:
    text = fallback_text(message(paragraph("a" * 2995, UserText("&&&"))), limit=3000)

    assert text == "a" * 2995 + "…"


def test_an_attachment_shown_inline_is_a_code_block() -> None:
    rendered = render(
        message(paragraph("Your data"), attachment=Attachment("x.json", '{"a": "<b>"}'))
    )

    assert rendered.blocks[-1]["text"]["text"] == '```{"a": "&lt;b&gt;"}```'


def test_slack_markup_in_a_command_is_read_as_the_member_saw_it() -> None:
    line = read_command_text(
        "met <@U2|sam> and <@U3> in <#C9|general> re <https://example.com/a?b=1&amp;c=2> "
        "<mailto:a@b.co|a@b.co> <!here> <!channel> <!everyone> <!subteam^S1|@design> "
        "<!date^1392734382^{date}|Feb 18> &lt;!here&gt; &amp;"
    )

    assert line.text == (
        "met <@U2> and <@U3> in #general re https://example.com/a?b=1&c=2 a@b.co @here @channel "
        "@everyone @design Feb 18 <!here> &"
    )
    assert line.names == {"U2": "sam"}
    assert line.unnamed == ("U3",)


def test_channel_command_and_code_parts_are_slack_links_slash_commands_and_code() -> None:
    general = Channel(Platform.SLACK, "T1", "CGENERAL")
    rendered = render(
        message(
            paragraph(
                "In ",
                ChannelRef(general, "general"),
                ": ",
                command("people <name>"),
                " or ",
                Code("a<b"),
            )
        )
    )

    assert rendered.text == "In <#CGENERAL>: `/buddy people &lt;name&gt;` or `a&lt;b`"
