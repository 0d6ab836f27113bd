"""Give before you ask: `give`, `ask` and `stats`."""

from __future__ import annotations

from datetime import timedelta

from bot.core.records import LedgerKind
from tests.unit.harness import ALICE, BOB, NOW, Buddy


def test_give_logs_a_give_to_a_contact(buddy: Buddy) -> None:
    reply = buddy.say("give <@UBOB> reported a broken link on their blog")
    assert reply.splitlines() == [
        "🙌 Logged: you gave @UBOB “reported a broken link on their blog”.",
        "Gives in the last 30 days: 1.",
    ]
    [entry] = buddy.store.rows("ledger", ALICE)
    [bob] = buddy.store.rows("contacts", ALICE)
    assert (entry.kind, entry.what, entry.contact_id, entry.at) == (
        LedgerKind.GIVE,
        "reported a broken link on their blog",
        bob.id,
        NOW,
    )


def test_give_counts_only_the_last_30_days(buddy: Buddy) -> None:
    buddy.say("give <@UBOB> a link")
    buddy.clock.advance(timedelta(days=31))
    assert "Gives in the last 30 days: 1." in buddy.say('give "Ana Lima" an intro')
    assert "Gives: 2 (1 in the last 30 days)" in buddy.say("stats")


def test_give_counts_as_following_up_a_meeting(buddy: Buddy) -> None:
    buddy.say("met <@UBOB> at PyCon")
    buddy.say("give <@UBOB> a link to the asyncio docs")
    assert buddy.store.rows("meetings", ALICE)[0].follow_up_at is None


def test_give_without_what_is_refused(buddy: Buddy) -> None:
    assert "Tell me what you gave." in buddy.refused("give <@UBOB>")


def test_ask_is_stored_as_an_ask(buddy: Buddy) -> None:
    reply = buddy.say("ask a review of my CV")
    assert reply.splitlines()[0] == "📣 Noted your ask: “a review of my CV”."
    [entry] = buddy.store.rows("ledger", ALICE)
    assert (entry.kind, entry.what, entry.contact_id) == (LedgerKind.ASK, "a review of my CV", None)


def test_ask_without_what_is_refused(buddy: Buddy) -> None:
    assert "Tell me what you'd like help with." in buddy.refused("ask")


def test_stats_for_a_newcomer_are_all_zero(buddy: Buddy) -> None:
    assert buddy.say("stats").splitlines() == [
        "Your balance:",
        "• Gives: 0 (0 in the last 30 days)",
        "• Asks: 0",
        "• Promises kept: 0; open: 0",
        "Giving first makes asking easy. 🌱",
    ]


def test_stats_count_gives_asks_and_promises_kept_on_time(buddy: Buddy) -> None:
    buddy.say("give <@UBOB> a link")
    buddy.say("ask an intro to a makerspace")
    buddy.say("promise <@UBOB> the slides by friday")  # kept on time
    buddy.say("promise <@UBOB> the recipe in 1 minute")  # kept late
    buddy.say("promise <@UBOB> the notes")  # undated, kept: on time
    buddy.say("promise <@UBOB> a book")  # still open
    buddy.say("promise <@UBOB> a poem")  # dropped
    buddy.clock.advance(timedelta(hours=1))
    for command in ("done 1", "done 2", "done 3", "drop 5"):
        buddy.say(command)
    assert buddy.say("stats").splitlines() == [
        "Your balance:",
        "• Gives: 4 (4 in the last 30 days)",
        "• Asks: 1",
        "• Promises kept: 3 (66% on time); open: 1",
        "Giving first makes asking easy. 🌱",
    ]


def test_stats_nudge_a_member_who_asks_more_than_gives(buddy: Buddy) -> None:
    buddy.say("ask a review of my CV")
    assert buddy.say("stats").splitlines()[-1] == "Maybe give one before the next ask? 🌱"


def test_stats_are_per_member(buddy: Buddy) -> None:
    buddy.say("give <@UBOB> a link")
    buddy.say("ask for a job")
    assert "• Gives: 0 (0 in the last 30 days)" in buddy.say("stats", by=BOB)
    assert "• Asks: 0" in buddy.say("stats", by=BOB)
