"""Bad input gets a clear, kind reply and changes nothing; odd text is kept exactly as typed."""

from __future__ import annotations

import json
import logging

import pytest

from bot.commands.promises import ACTION_DONE
from bot.core.message import Message, Paragraph, UserText
from bot.core.records import PromiseStatus
from tests.unit.harness import ALICE, BOB, Buddy

LONG = "x" * 2001


@pytest.fixture
def busy(buddy: Buddy) -> Buddy:
    """Alice and Bob each hold some state, so 'nothing changed' means something."""
    buddy.say("met <@UBOB> at PyCon")
    buddy.say("promise <@UBOB> the slides by friday")
    buddy.say("keep-in-touch <@UBOB> every month")
    buddy.say("promise <@UALICE> a link", by=BOB)
    buddy.say("promise <@UALICE> the book", by=BOB)
    return buddy


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # commands that don't exist
        ("promis <@UBOB> the slides", "Did you mean promise?"),
        ("peeple", "Did you mean people?"),
        ("quit now", "I don't know the command “quit”.\nhelp lists everything I can do."),
        ("🤖 hello", "I don't know the command “🤖”"),
        # a missing or impossible person
        ("met", "I need to know who you met."),
        ("note", "I need to know who the note is about."),
        ("promise", "I need to know who you promised."),
        ("give", "I need to know who you gave to."),
        ("keep-in-touch every week", "I need to know who to keep in touch with"),
        ("met bob at PyCon", "isn't a mention or a quoted name"),
        ("met @nobody at PyCon", "I couldn't find “@nobody” here."),
        ("met <@UALICE> at PyCon", "That's you!"),
        ("promise <@UALICE> a link", "That's you!"),
        ("give <@UALICE|alice> a link", "That's you!"),
        # broadcasts are never a person
        ("met @everyone", "not a whole group"),
        ("met @here at the party", "not a whole group"),
        ("note @channel hello", "not a whole group"),
        ("met <!channel>", "not a whole group"),
        ("met <!everyone>", "not a whole group"),
        ("promise <!here> the slides", "not a whole group"),
        ("give <!subteam^S123|@devs> a link", "not a whole group"),
        ("met <@&123456789>", "not a whole group"),  # a Discord role ping
        # times
        ("promise <@UBOB> the slides by flurbsday", "couldn't read “flurbsday”"),
        ("promise <@UBOB> the slides by yesterday", "already passed"),
        ("promise <@UBOB> the slides by 2026-11-26 14:00", "already passed"),
        ("promise <@UBOB> the slides by feb 30", "isn't a date on the calendar"),
        ("snooze 1 flurbsday", "couldn't read “flurbsday”"),
        ("snooze 1 yesterday", "already passed"),
        ("snooze 1", "Tell me until when."),
        ("keep-in-touch <@UBOB> every 5 minutes", "too often"),
        # promise numbers
        ("done 7", "You have no open promise #7."),
        ("drop 7", "You have no open promise #7."),
        ("snooze 7 tomorrow", "You have no open promise #7."),
        ("done 2", "You have no open promise #2."),  # Bob has a #2; Alice does not
        ("done abc", "I need a promise number, like 1 or 2, and got “abc”."),
        ("done 0", "and got “0”"),
        ("done -1", "and got “-1”"),
        ("done 1.5", "and got “1.5”"),
        ("done ²", "and got “²”"),
        ("done 1234567", "and got “1234567”"),
        ("done", "and got “nothing”"),
        ("drop one", "I need a promise number"),
        ("done 1 2", "Just the number, please: done 1."),
        ("drop 1 please", "Just the number, please: drop 1."),
        ("cancel 1 please", "Just the number, please: drop 1."),
        ("kept 2 thanks", "Just the number, please: done 2."),
        # too long
        (f"met <@UBOB> {LONG}", "2,001 characters"),
        (f"note <@UBOB> {LONG}", "2,001 characters"),
        (f"promise <@UBOB> {LONG}", "2,001 characters"),
        (f"give <@UBOB> {LONG}", "2,001 characters"),
        (f"ask {LONG}", "2,001 characters"),
        (f"offer {LONG}", "2,001 characters"),
        (f"looking-for {LONG}", "2,001 characters"),
        (f"people {LONG}", "2,001 characters"),
        ("note <@UBOB> " + "y" * 50_000, "I keep up to 2,000"),
        # settings
        ("settings timezone Mars/Olympus", "I don't know the time zone “Mars/Olympus”."),
        ("settings timezone +02:00", "IANA"),
        ("settings colour blue", "I don't have a setting called “colour”."),
        ("settings quiet 25:00-08:00", "time of day"),
        ("settings digest friday", "Which digest time?"),
        # erasing needs a clear yes
        ("forget-me please", "type forget-me confirm"),
        # help for nothing
        ("help flurb", "no command called “flurb”"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_changes_nothing(
    busy: Buddy, text: str, says: str
) -> None:
    reply = busy.refused(text)
    assert says in reply


def test_text_of_exactly_2000_characters_is_kept(busy: Buddy) -> None:
    busy.say("note <@UBOB> " + "z" * 2000)
    assert [len(n.text) for n in busy.store.rows("notes", ALICE)] == [2000]


def test_a_promise_number_that_belongs_to_someone_else_is_refused(busy: Buddy) -> None:
    reply = busy.refused("drop 2")
    assert "You have no open promise #2." in reply
    bobs = busy.store.rows("promises", BOB)
    assert [p.status for p in bobs] == [PromiseStatus.OPEN, PromiseStatus.OPEN]


def test_forget_me_without_confirming_erases_nothing(busy: Buddy) -> None:
    before = busy.snapshot()
    assert "Nothing has been erased yet." in busy.say("forget-me")
    assert busy.snapshot() == before


# --- a failure inside the store ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "command"),
    [
        ("ledger.add", "give <@UCAROL> a link"),  # after a contact was added
        ("promises.add", "promise <@UCAROL> the slides by friday"),
        ("contacts.save", "met <@UCAROL> at PyCon"),
        ("meetings.clear_follow_ups", "promise <@UBOB> the notes"),
        ("cadences.save", "note <@UBOB> likes tea"),
        ("notes.add", "note <@UBOB> likes tea"),
        ("ledger.count", "done 1"),
        ("outbox.add", "export"),
        ("profiles.save", "offer code reviews"),
        ("erase_member", "forget-me confirm"),
        ("commit", "ask for a review"),
        ("profiles.get", "people"),
    ],
)
def test_a_store_failure_says_nothing_was_changed_and_nothing_is_kept(
    busy: Buddy, broken: str, command: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = busy.snapshot()
    busy.store.break_on(broken)
    with caplog.at_level(logging.ERROR):
        reply = busy.say(command)
    assert reply == (
        "Sorry — something went wrong on my side and nothing was changed.\n"
        "Please try again in a moment."
    )
    assert busy.snapshot() == before
    assert "command failed" in caplog.text
    busy.store.repair()
    assert not busy.say(command).startswith(("Sorry", "⚠️"))  # and it works once repaired


def test_a_store_failure_behind_a_button_keeps_the_promise_open(busy: Buddy) -> None:
    [promise] = busy.store.rows("promises", ALICE)
    before = busy.snapshot()
    busy.store.break_on("ledger.add")
    reply = busy.press(ACTION_DONE, str(promise.id)).plain_text()
    assert "nothing was changed" in reply
    assert busy.snapshot() == before


# --- text kept exactly as typed ---------------------------------------------------------------

NAME = "Zoë Ångström 🌸"
CONTEXT = "at Café ☕ Zürich — 話した about 🦀 Rust"
NOTE = "👩‍👩‍👧 family; مرحبا; e\u0301 vs é; 𝔘𝔫𝔦𝔠𝔬𝔡𝔢; tab\there"
PROMISE = "the 📊 slides — “final” v2 ✨"
OFFER = "intros 🇵🇹 Lisbon · Ελληνικά · 日本語"


def test_unicode_and_emoji_round_trip_byte_exact(buddy: Buddy) -> None:
    buddy.names = {**buddy.names, "UBOB": "Bøb 🐙"}
    buddy.say(f'met "{NAME}" {CONTEXT}')
    buddy.say(f'note "{NAME}" {NOTE}')
    buddy.say(f'promise "{NAME}" {PROMISE}')
    buddy.say(f"give <@UBOB> {PROMISE}")
    buddy.say(f"offer {OFFER}")

    people = buddy.say("people")
    assert f"• {NAME} — met Thu 26 Nov, {CONTEXT}; last touch Thu 26 Nov; 1 open promise" in people
    assert f"#1 {PROMISE} → {NAME} · no date" in buddy.say("promises")
    assert buddy.say("offer") == f"What you can help with: “{OFFER}”."

    data = buddy.export()
    assert sorted(c["name"] for c in data["contacts"]) == sorted([NAME, "Bøb 🐙"])
    assert [m["context"] for m in data["meetings"]] == [CONTEXT]
    assert [n["text"] for n in data["notes"]] == [NOTE]
    assert [p["what"] for p in data["promises"]] == [PROMISE]
    assert data["profile"]["offer"] == OFFER
    raw = json.dumps(data, ensure_ascii=False)
    for text in (NAME, CONTEXT, NOTE, PROMISE, OFFER):
        assert json.dumps(text, ensure_ascii=False)[1:-1] in raw


def test_an_outside_persons_name_is_matched_again_whatever_its_case(buddy: Buddy) -> None:
    buddy.say(f'met "{NAME}"')
    buddy.say(f'note "{NAME.upper()}" hello')
    assert [c.name for c in buddy.store.rows("contacts", ALICE)] == [NAME]


def _user_texts(msg: Message) -> list[str]:
    parts = [part for block in msg.blocks if isinstance(block, Paragraph) for part in block.parts]
    return [part.text for part in parts if isinstance(part, UserText)]


def test_broadcasts_inside_typed_text_are_kept_but_shown_only_as_text(buddy: Buddy) -> None:
    what = "ping @everyone and <!channel> and <@UCAROL> later"
    reply = buddy.run(f"promise <@UBOB> {what}")
    assert what in _user_texts(reply)
    assert buddy.store.rows("promises", ALICE)[0].what == what
