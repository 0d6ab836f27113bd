"""A promise's time phrase through the command: read whole, or asked about with two buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.commands.promises import ACTION_KEEP_WORDS, ACTION_TAKE_DUE
from bot.core.records import Promise
from tests.unit.harness import ALICE, BOB, Buddy


def the_promise(buddy: Buddy) -> Promise:
    [promise] = buddy.store.rows("promises", ALICE)
    assert isinstance(promise, Promise)
    return promise


def paris(local: str) -> datetime:
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)


@pytest.fixture
def in_paris(buddy: Buddy) -> Buddy:
    buddy.say("settings timezone Europe/Paris")
    return buddy


@pytest.mark.parametrize(
    ("text", "what", "due"),
    [
        ("feedback on her talk next tuesday at 3pm", "feedback on her talk", "2026-12-01 15:00"),
        ("the venue contact tomorrow 9am", "the venue contact", "2026-11-27 09:00"),
        ("the venue contact end of month", "the venue contact", "2026-11-30 09:00"),
        ("the venue contact dec 3", "the venue contact", "2026-12-03 09:00"),
        ("the venue contact by the end of the month", "the venue contact", "2026-11-30 09:00"),
    ],
)
def test_the_issues_sentences_are_read_whole(
    in_paris: Buddy, text: str, what: str, due: str
) -> None:
    reply = in_paris.say(f"promise <@UBOB> {text}")
    assert "I'll remind you by DM then." in reply, reply
    promise = the_promise(in_paris)
    assert (promise.what, promise.due_at, promise.remind_at) == (what, paris(due), paris(due))


def test_a_promise_that_is_only_a_time_is_refused(buddy: Buddy) -> None:
    assert "Tell me what you promised." in buddy.refused("promise <@UBOB> tomorrow 9am")


def test_an_unsure_ending_keeps_the_words_and_asks_with_two_buttons(in_paris: Buddy) -> None:
    reply = in_paris.run("promise <@UBOB> the deck by friday lunchtime")
    text = reply.plain_text()
    assert text.startswith("✅ Promise #1: send @UBOB “the deck by friday lunchtime”"), text
    assert "so it has no date for now" in text
    assert "Or did you mean “the deck”, due Fri 27 Nov 2026, 09:00 Europe/Paris" in text
    promise = the_promise(in_paris)
    assert (promise.what, promise.due_at, promise.remind_at) == (
        "the deck by friday lunchtime",
        None,
        None,
    )
    assert [(c.label, c.action, c.payload) for c in reply.choices] == [
        ("Due Fri 27 Nov, 09:00", ACTION_TAKE_DUE, str(promise.id)),
        ("No date, keep the words", ACTION_KEEP_WORDS, str(promise.id)),
    ]


def test_the_due_button_sets_the_offered_reading(in_paris: Buddy) -> None:
    [take, _] = in_paris.run("promise <@UBOB> the notes from friday").choices
    reply = in_paris.press(take.action, take.payload).plain_text()
    assert reply.startswith("⏰ #1 “the notes” is due Fri 27 Nov 2026, 09:00 Europe/Paris"), reply
    promise = the_promise(in_paris)
    due = paris("2026-11-27 09:00")
    assert (promise.what, promise.due_at, promise.remind_at) == ("the notes", due, due)

    before = in_paris.snapshot()
    again = in_paris.press(take.action, take.payload).plain_text()
    assert again == "#1 already has a due time."
    assert in_paris.snapshot() == before


def test_the_due_button_reads_the_words_as_of_when_the_promise_was_made(in_paris: Buddy) -> None:
    [take, _] = in_paris.run("promise <@UBOB> the deck next tuesday at 25:00").choices
    in_paris.clock.advance(timedelta(days=2))  # Saturday: "next tuesday" would now be 8 Dec
    in_paris.press(take.action, take.payload)
    assert the_promise(in_paris).due_at == paris("2026-12-01 09:00")


def test_the_keep_button_changes_nothing(in_paris: Buddy) -> None:
    [_, keep] = in_paris.run("promise <@UBOB> coffee 2 weeks").choices
    before = in_paris.snapshot()
    reply = in_paris.press(keep.action, keep.payload).plain_text()
    assert reply == "Kept as it is: #1 “coffee 2 weeks”, no date."
    assert in_paris.snapshot() == before


def test_the_due_button_refuses_a_reading_that_has_passed_and_changes_nothing(
    in_paris: Buddy,
) -> None:
    [take, _] = in_paris.run("promise <@UBOB> the slides for friday").choices
    in_paris.clock.advance(timedelta(days=2))
    before = in_paris.snapshot()
    reply = in_paris.press(take.action, take.payload).plain_text()
    assert reply.startswith("⚠️ That time has already passed"), reply
    assert in_paris.snapshot() == before


def test_the_buttons_act_only_on_the_pressers_own_promise(in_paris: Buddy) -> None:
    [take, keep] = in_paris.run("promise <@UBOB> the slides for friday").choices
    before = in_paris.snapshot()
    for choice in (take, keep):
        reply = in_paris.press(choice.action, choice.payload, by=BOB).plain_text()
        assert reply.startswith("⚠️ I couldn't find that promise among yours."), reply
        forged = in_paris.press(choice.action, "the slides|2026-11-27", by=ALICE).plain_text()
        assert forged.startswith("⚠️ I couldn't find that promise among yours."), forged
    assert in_paris.snapshot() == before


def test_a_closed_promise_is_not_given_a_date(in_paris: Buddy) -> None:
    [take, _] = in_paris.run("promise <@UBOB> the slides for friday").choices
    in_paris.say("done 1")
    before = in_paris.snapshot()
    assert in_paris.press(take.action, take.payload).plain_text() == (
        "That promise is already closed. ✔️"
    )
    assert in_paris.snapshot() == before


@pytest.mark.parametrize(
    ("when", "due"),
    [
        ("next tuesday at 3pm", "2026-12-01 15:00"),
        ("tomorrow 9am", "2026-11-27 09:00"),
        ("by the end of the month", "2026-11-30 09:00"),
        ("until dec 3 at 14:00", "2026-12-03 14:00"),
        ("friday by 5pm", "2026-11-27 17:00"),
    ],
)
def test_snooze_reads_its_phrase_whole(in_paris: Buddy, when: str, due: str) -> None:
    in_paris.say("promise <@UBOB> the slides")
    reply = in_paris.say(f"snooze 1 {when}")
    assert reply.startswith("😴 I'll remind you about #1 “the slides”"), reply
    assert the_promise(in_paris).remind_at == paris(due)


@pytest.mark.parametrize(
    "when", ["next tuesday at 3pmish", "friday lunchtime", "tomorrow at 25:00"]
)
def test_snooze_refuses_a_phrase_it_reads_only_in_part(in_paris: Buddy, when: str) -> None:
    in_paris.say("promise <@UBOB> the slides")
    reply = in_paris.refused(f"snooze 1 {when}")
    assert "I couldn't read" in reply
