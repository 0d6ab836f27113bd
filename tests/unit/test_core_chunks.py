"""Long replies split once, for every platform: whole lines packed, a giant line cut, not lost."""

from __future__ import annotations

from bot.adapters.discord_bot.render import MAX_CONTENT, render
from bot.adapters.slack.render import SECTION_LIMIT, message_blocks
from bot.core.chunks import pack_lines
from bot.core.message import message, paragraph


def test_whole_lines_are_packed_in_order_within_the_limit() -> None:
    assert pack_lines(["aaa", "bb", "cccc", "d"], limit=7) == ["aaa\nbb", "cccc\nd"]


def test_a_line_longer_than_the_limit_is_cut_with_marks_and_loses_nothing() -> None:
    chunks = pack_lines(["x" * 25], limit=10)
    assert all(len(chunk) <= 10 for chunk in chunks)
    assert "".join(chunk.strip("…") for chunk in chunks) == "x" * 25


def test_a_platform_chooses_where_a_line_is_cut() -> None:
    def at_a_space(line: str, limit: int) -> int:
        return line.rfind(" ", 0, limit - 1) + 1  # after the last space that fits

    assert pack_lines(["hello <@U1> there"], limit=10, cut_at=at_a_space) == [
        "hello …",
        "…<@U1> …",
        "…there",
    ]


def test_blank_text_makes_no_chunk() -> None:
    assert pack_lines(["", " "], limit=10) == []


def test_slack_and_discord_split_the_same_giant_line_without_losing_it() -> None:
    giant = "word " * 700  # 3,500 characters on one line
    reply = message(paragraph(giant))
    discord_parts = [part.content for part in render(reply)]
    slack_texts = [block["text"]["text"] for block in message_blocks(reply)]
    assert all(len(text) <= MAX_CONTENT for text in discord_parts)
    assert all(len(text) <= SECTION_LIMIT for text in slack_texts)
    for texts in (discord_parts, slack_texts):
        assert "".join(t.replace("…", "") for t in texts).split() == giant.split()
