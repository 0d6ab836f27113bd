"""Long or crafted input is refused or read the same way, without unbounded work."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import when
from bot.commands.base import MAX_TEXT
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.replies import ECHO_LIMIT, echo
from bot.commands.service import CommandService
from bot.commands.when import FallbackBudget, parse_when
from bot.core.errors import UserError
from tests.fakes import InMemoryStore, ManualClock
from tests.unit.harness import NOW, Buddy


def _echo_whole(typed: str) -> str:
    """The quote as it was built before only a prefix was read."""
    flat = " ".join("".join(ch for ch in typed if ch.isprintable()).split())
    flat = flat.replace("“", '"').replace("”", '"')
    if len(flat) > ECHO_LIMIT:
        flat = flat[: ECHO_LIMIT - 1].rstrip() + "…"
    return f"“{flat}”"


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(" \t\n\x00\u200bab“”é"), max_size=400))
def test_an_echo_quotes_long_text_as_reading_all_of_it_would(typed: str) -> None:
    assert echo(typed) == _echo_whole(typed)


def test_a_time_phrase_of_more_than_twelve_words_is_unreadable() -> None:
    text = "in 1 day and 1 day and 1 day and 1 day and 1 day"  # 13 words
    try:
        parse_when(text, now=NOW, timezone="UTC")
    except UserError as refused:
        assert "couldn't read" in refused.message
    else:
        raise AssertionError("read a 13-word phrase")
    assert parse_when("in 1 day and 1 day", now=NOW, timezone="UTC") > NOW


def test_dateparser_reads_one_phrase_per_budget() -> None:
    budget = FallbackBudget()
    assert parse_when("12/01/2026", now=NOW, timezone="UTC", budget=budget) > NOW
    try:
        parse_when("12/02/2026", now=NOW, timezone="UTC", budget=budget)
    except UserError as refused:
        assert "couldn't read" in refused.message
    else:
        raise AssertionError("the spent budget still reached dateparser")


def test_a_long_promise_full_of_time_words_is_kept_with_its_due_time(buddy: Buddy) -> None:
    filler = "on 1 at 2 in 3 " * 130  # about 2,000 characters of time-like words
    reply = buddy.say(f'promise "Sam" the slides {filler}by friday')
    assert reply.startswith("✅"), reply
    assert "Fri 27 Nov" in reply


def test_a_long_promise_whose_by_is_no_time_is_refused_and_changes_nothing(buddy: Buddy) -> None:
    reply = buddy.refused('promise "Sam" the slides by ' + "then " * 380)
    assert "characters; a date or time fits in 200" in reply
    reply = buddy.refused('promise "Sam" the slides ' + "by 1 " * 390)
    assert "couldn't read “1”" in reply


# Words that reach the time readers and dateparser, in any order and number.
_TIME_WORDS = (
    "by", "before", "on", "in", "at", "the", "of", "and", "next", "1", "12", "2026", "1st",
    "9am", "14:00", "12/01/2026", "2026-12-01", "jan", "friday", "tomorrow", "days", "week",
    "ago", "noon", "utc", "slides", "from",
)  # fmt: skip
_DATED_COMMANDS = ('promise "Sam"', "promise <@UBOB>", "snooze 1", "keep-in-touch <@UBOB>",
                   "settings digest", "settings pause until", "met <@UBOB>")  # fmt: skip


def _dateparser_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every phrase dateparser reads from now on (its answers are cached: start empty)."""
    from dateparser.date import DateDataParser

    read: list[str] = []
    original = DateDataParser.get_date_data

    def counted(self: DateDataParser, text: str, *args: Any, **kwargs: Any) -> Any:
        read.append(text)
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(DateDataParser, "get_date_data", counted)
    return read


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(_DATED_COMMANDS),
    words=st.lists(st.sampled_from(_TIME_WORDS), max_size=120),
)
def test_any_command_line_asks_dateparser_at_most_once(
    monkeypatch: pytest.MonkeyPatch, command: str, words: list[str]
) -> None:
    store, clock = InMemoryStore(), ManualClock(NOW)
    service = CommandService(uow_factory=store, clock=clock, commands=COMMANDS, actions=ACTIONS)
    buddy = Buddy(service=service, store=store, clock=clock)
    buddy.say('promise "Ana" the book by 2027-03-01')  # a promise #1 to snooze
    when._dateparser_reading.cache_clear()
    read = _dateparser_calls(monkeypatch)

    buddy.say(" ".join([command, *words])[:MAX_TEXT])

    assert len(read) <= 1, read


def test_a_phrase_read_again_in_one_line_costs_no_second_dateparser_call(
    buddy: Buddy, monkeypatch: pytest.MonkeyPatch
) -> None:
    when._dateparser_reading.cache_clear()
    read = _dateparser_calls(monkeypatch)
    # The endings are tried with one call between them, then "by …" is read again to say why.
    reply = buddy.refused('promise "Sam" the slides by in 1 at 12/01/2027')
    assert "couldn't read" in reply
    assert len(read) <= 1, read
