"""A time phrase ending a promise, read whole in the member's zone, or asked about: a table."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.commands.trailing_when import TrailingWhen, read_trailing_when
from bot.commands.when import PastTimeError
from bot.core.errors import UserError

PARIS = "Europe/Paris"
# Thursday 26 Nov 2026, 15:57 in Paris.
NOW = datetime(2026, 11, 26, 14, 57, tzinfo=UTC)
# Thursday 22 Oct 2026, 12:00 in Paris (summer time, +02:00); clocks go back on Sun 25 Oct.
AUTUMN = datetime(2026, 10, 22, 10, 0, tzinfo=UTC)
# Thursday 25 Mar 2027, 11:00 in Paris (winter time, +01:00); clocks go forward on Sun 28 Mar.
SPRING = datetime(2027, 3, 25, 10, 0, tzinfo=UTC)
ASK = "ask"


def paris(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(PARIS)).astimezone(UTC)


def utc(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


# Phrases as typed, the Paris wall time they mean on Thu 26 Nov 2026 at 15:57, and the words
# that may introduce them ("" for none).
PHRASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("tomorrow", "2026-11-27 09:00", ("", "by")),
    ("tomorrow 9am", "2026-11-27 09:00", ("", "by")),
    ("tomorrow at 3pm", "2026-11-27 15:00", ("", "by")),
    ("friday", "2026-11-27 09:00", ("", "by", "on", "before")),
    ("this friday", "2026-11-27 09:00", ("", "by")),
    ("next tuesday", "2026-12-01 09:00", ("", "by", "on")),
    ("next tuesday at 3pm", "2026-12-01 15:00", ("", "by", "on")),
    ("monday 10am", "2026-11-30 10:00", ("", "by", "on")),
    ("monday morning", "2026-11-30 09:00", ("", "by", "on")),
    ("wednesday evening", "2026-12-02 18:00", ("", "by", "on")),
    ("saturday at noon", "2026-11-28 12:00", ("", "by", "on")),
    ("friday by 5pm", "2026-11-27 17:00", ("", "on")),
    ("dec 3", "2026-12-03 09:00", ("", "by", "on", "until")),
    ("3 dec", "2026-12-03 09:00", ("", "by", "on")),
    ("december 3rd", "2026-12-03 09:00", ("", "by", "on")),
    ("dec 3 at 14:00", "2026-12-03 14:00", ("", "by", "on")),
    ("the 3rd", "2026-12-03 09:00", ("by", "on")),
    ("jan 15", "2027-01-15 09:00", ("", "by", "on")),
    ("2026-12-01 14:00", "2026-12-01 14:00", ("", "by", "on")),
    ("end of month", "2026-11-30 09:00", ("", "by")),
    ("the end of the month", "2026-11-30 09:00", ("by",)),
    ("next week", "2026-11-30 09:00", ("", "by")),
    ("next month", "2026-12-01 09:00", ("", "by")),
    ("the day after tomorrow", "2026-11-28 09:00", ("", "by")),
    ("5pm", "2026-11-26 17:00", ("", "by", "at")),
    ("noon", "2026-11-27 12:00", ("at",)),
    ("tonight", "2026-11-26 20:00", ("", "by")),
    ("eod", "2026-11-26 17:00", ("", "by")),
    ("in 2 days", "2026-11-28 15:57", ("",)),
    ("in 3 hours", "2026-11-26 18:57", ("",)),
    ("in a week", "2026-12-03 15:57", ("",)),
]

# What was promised, time words inside it included.
THINGS = [
    "the slides",
    "feedback on her talk",
    "the book on friday drinks",
    "slides for the monday meeting",
    "notes from the 3pm call",
    "a talk on Rust",
    "the venue contact",
]

TABLE = [
    (f"{thing} {lead} {phrase}".replace("  ", " "), thing, paris(local))
    for phrase, local, leads in PHRASES
    for lead in leads
    for thing in THINGS
]


@pytest.mark.parametrize(("text", "what", "due"), TABLE)
def test_a_time_phrase_ending_a_promise_is_read_whole(text: str, what: str, due: datetime) -> None:
    assert read_trailing_when(text, now=NOW, timezone=PARIS) == TrailingWhen(what, due)


def test_the_table_is_large() -> None:
    assert len(TABLE) >= 200


# Sentences by hand: (text, now, what is due / promised, when: a datetime, None, or ASK with
# the reading offered).
SENTENCES: list[tuple[str, datetime, str, datetime | None, bool]] = [
    # The issue's own sentences.
    ("feedback on her talk next tuesday at 3pm", NOW, "feedback on her talk",
     paris("2026-12-01 15:00"), False),
    ("the venue contact tomorrow 9am", NOW, "the venue contact", paris("2026-11-27 09:00"), False),
    ("the venue contact end of month", NOW, "the venue contact", paris("2026-11-30 09:00"), False),
    ("the venue contact by the end of the month", NOW, "the venue contact",
     paris("2026-11-30 09:00"), False),
    ("the venue contact dec 3", NOW, "the venue contact", paris("2026-12-03 09:00"), False),
    ("slides for the monday meeting by thursday", NOW, "slides for the monday meeting",
     paris("2026-12-03 09:00"), False),
    # Time words inside the thing, nothing at the end: all words, no date.
    ("the book on friday drinks", NOW, "the book on friday drinks", None, False),
    ("a talk on Rust", NOW, "a talk on Rust", None, False),
    ("coffee at the usual place", NOW, "coffee at the usual place", None, False),
    ("the notes from the talk in Lisbon", NOW, "the notes from the talk in Lisbon", None, False),
    ("the photos from yesterday", NOW, "the photos from yesterday", None, False),
    ("chapter 3", NOW, "chapter 3", None, False),
    ("2 tickets for the 5pm show", NOW, "2 tickets for the 5pm show", None, False),
    ("the 10 minute video", NOW, "the 10 minute video", None, False),
    ("wine at the usual place", NOW, "wine at the usual place", None, False),
    ("the notes from dec 3 at 5pm pls", NOW, "the notes from dec 3 at 5pm pls", None, False),
    # Punctuation, case, other leading words.
    ("the slides, tomorrow 9am", NOW, "the slides", paris("2026-11-27 09:00"), False),
    ("the slides friday.", NOW, "the slides", paris("2026-11-27 09:00"), False),
    ("The Slides TOMORROW 9AM", NOW, "The Slides", paris("2026-11-27 09:00"), False),
    ("the deck tomorrow by 5pm", NOW, "the deck", paris("2026-11-27 17:00"), False),
    ("the deck until monday", NOW, "the deck", paris("2026-11-30 09:00"), False),
    ("the deck till dec 3", NOW, "the deck", paris("2026-12-03 09:00"), False),
    ("the invoice eom", NOW, "the invoice", paris("2026-11-30 09:00"), False),
    ("an intro to Jo in 2 days", NOW, "an intro to Jo", paris("2026-11-28 15:57"), False),
    ("the deck on monday at 10am", NOW, "the deck", paris("2026-11-30 10:00"), False),
    ("the book on friday drinks by saturday", NOW, "the book on friday drinks",
     paris("2026-11-28 09:00"), False),
    # Could be text or time: ask, offering the time reading.
    ("the notes from friday", NOW, "the notes", paris("2026-11-27 09:00"), True),
    ("the slides for friday", NOW, "the slides", paris("2026-11-27 09:00"), True),
    ("photos of the 3rd", NOW, "photos", paris("2026-12-03 09:00"), True),
    ("help for 2 days", NOW, "help", paris("2026-11-28 15:57"), True),
    ("coffee 2 weeks", NOW, "coffee", paris("2026-12-10 15:57"), True),
    ("the recap of a week", NOW, "the recap", paris("2026-12-03 15:57"), True),
    ("a photo of the sun", NOW, "a photo", paris("2026-11-29 09:00"), True),
    ("the gift sat", NOW, "the gift", paris("2026-11-28 09:00"), True),
    ("the notes from monday tomorrow", NOW, "the notes from monday",
     paris("2026-11-27 09:00"), True),
    # Only partly readable: ask, offering the part that reads.
    ("the deck by friday lunchtime", NOW, "the deck", paris("2026-11-27 09:00"), True),
    ("the deck friday lunchtime", NOW, "the deck", paris("2026-11-27 09:00"), True),
    ("the deck next tuesday at 25:00", NOW, "the deck", paris("2026-12-01 09:00"), True),
    ("feedback next tuesday at 3pm sharp", NOW, "feedback", paris("2026-12-01 15:00"), True),
    ("the deck tomorrow at 25:00", NOW, "the deck", paris("2026-11-27 09:00"), True),
    # Across the autumn change (Sun 25 Oct 2026, 03:00 → 02:00).
    ("the slides on monday", AUTUMN, "the slides", utc("2026-10-26 08:00"), False),
    ("the slides by saturday", AUTUMN, "the slides", utc("2026-10-24 07:00"), False),
    ("the slides in 3 days", AUTUMN, "the slides", utc("2026-10-25 11:00"), False),
    ("the slides in 72 hours", AUTUMN, "the slides", utc("2026-10-25 10:00"), False),
    ("the slides sunday 2:30am", AUTUMN, "the slides", utc("2026-10-25 00:30"), False),
    ("the slides end of month", AUTUMN, "the slides", utc("2026-10-31 08:00"), False),
    ("the slides tomorrow 9am", AUTUMN, "the slides", utc("2026-10-23 07:00"), False),
    # Across the spring change (Sun 28 Mar 2027, 02:00 → 03:00).
    ("the deck on monday at 9am", SPRING, "the deck", utc("2027-03-29 07:00"), False),
    ("the deck in 4 days", SPRING, "the deck", utc("2027-03-29 09:00"), False),
    ("the deck in 96 hours", SPRING, "the deck", utc("2027-03-29 10:00"), False),
    ("the deck sunday 2:30am", SPRING, "the deck", utc("2027-03-28 01:30"), False),
    ("the deck end of month", SPRING, "the deck", utc("2027-03-31 07:00"), False),
    ("the deck by saturday", SPRING, "the deck", utc("2027-03-27 08:00"), False),
]  # fmt: skip


@pytest.mark.parametrize(("text", "now", "what", "due", "unsure"), SENTENCES)
def test_sentences_read_as_written_by_hand(
    text: str, now: datetime, what: str, due: datetime | None, unsure: bool
) -> None:
    assert read_trailing_when(text, now=now, timezone=PARIS) == TrailingWhen(what, due, unsure)


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("the slides by flurbsday", "I couldn't read “flurbsday” as a date or time."),
        ("a talk by Rust experts", "I couldn't read “Rust experts” as a date or time."),
        ("the slides by yesterday", "That time has already passed"),
        ("the slides on 2026-11-01", "That time has already passed"),
    ],
)
def test_a_time_after_by_that_does_not_read_or_has_passed_is_refused(
    text: str, refusal: str
) -> None:
    with pytest.raises(UserError) as refused:
        read_trailing_when(text, now=NOW, timezone=PARIS)
    assert refusal in refused.value.message
    assert isinstance(refused.value, PastTimeError) == ("passed" in refusal)


def test_a_line_that_is_only_a_time_leaves_nothing_promised() -> None:
    assert read_trailing_when("by friday", now=NOW, timezone=PARIS).what == ""
