"""`promise`, `promises`, `done`, `snooze`, `drop`, and the buttons on promise messages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.commands.promises import ACTION_DONE, ACTION_SNOOZE_DAY, ACTION_SNOOZE_WEEK
from bot.core.identity import Member, Platform
from bot.core.records import LedgerKind, Promise, PromiseStatus
from tests.unit.harness import ALICE, ALICE_IN_T2, BOB, NOW, Buddy


def promises(buddy: Buddy, owner: Member = ALICE) -> list[Promise]:
    return buddy.store.rows("promises", owner)


def the_promise(buddy: Buddy, number: int, owner: Member = ALICE) -> Promise:
    [found] = [p for p in promises(buddy, owner) if p.number == number]
    return found


def open_numbers(buddy: Buddy, owner: Member = ALICE) -> list[int]:
    return [p.number for p in promises(buddy, owner) if p.status is PromiseStatus.OPEN]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


# --- promise: what and when -----------------------------------------------------------------------


def test_a_promise_without_a_date_is_kept_undated_and_not_reminded(buddy: Buddy) -> None:
    reply = buddy.say("promise <@UBOB> the slides")
    assert reply.startswith("✅ Promise #1: send @UBOB “the slides”")
    assert "No date given, so no reminder" in reply
    [promise] = promises(buddy)
    assert (promise.what, promise.due_at, promise.remind_at, promise.heads_up_at) == (
        "the slides",
        None,
        None,
        None,
    )
    assert promise.status is PromiseStatus.OPEN
    assert promise.contact_id == buddy.store.rows("contacts", ALICE)[0].id


@pytest.mark.parametrize(
    ("text", "what", "due"),
    [
        ("the slides by friday", "the slides", at(27, 9)),
        ("the slides by next friday", "the slides", datetime(2026, 12, 4, 9, tzinfo=UTC)),
        ("the slides by tomorrow 9am", "the slides", at(27, 9)),
        ("the slides before monday", "the slides", at(30, 9)),
        ("an intro to Jo in 2 days", "an intro to Jo", at(28, 14, 57)),
        ("a link in 1 minute", "a link", at(26, 14, 58)),
        ("the recipe in 3 hours", "the recipe", at(26, 17, 57)),
        ("the recipe on monday", "the recipe", at(30, 9)),
        ("the recipe on dec 3", "the recipe", datetime(2026, 12, 3, 9, tzinfo=UTC)),
        ("the recipe at 5pm", "the recipe", at(26, 17)),
        ("the recipe at 9am", "the recipe", at(27, 9)),  # already past today: tomorrow
        ("notes on the meeting in Lisbon by friday", "notes on the meeting in Lisbon", at(27, 9)),
        ("a talk on Rust by 2026-12-01 14:00", "a talk on Rust", at(26, 14) + timedelta(days=5)),
    ],
)
def test_a_promise_reads_every_when_form_of_the_grammar(
    buddy: Buddy, text: str, what: str, due: datetime
) -> None:
    reply = buddy.say(f"promise <@UBOB> {text}")
    assert "I'll remind you by DM then." in reply, reply
    [promise] = promises(buddy)
    assert (promise.what, promise.due_at, promise.remind_at) == (what, due, due)


@pytest.mark.parametrize(
    "what", ["a talk on Rust", "the notes from the talk in Lisbon", "coffee at the usual place"]
)
def test_words_like_on_in_and_at_stay_in_the_promise_when_no_time_follows(
    buddy: Buddy, what: str
) -> None:
    reply = buddy.say(f"promise <@UBOB> {what}")
    assert f"“{what}”" in reply
    assert "No date given" in reply
    assert promises(buddy)[0].what == what
    assert promises(buddy)[0].due_at is None


def test_the_due_time_is_read_in_the_members_time_zone(buddy: Buddy) -> None:
    buddy.say("settings timezone Europe/Paris")
    reply = buddy.say("promise <@UBOB> the slides at 5pm")
    assert "Due Thu 26 Nov 2026, 17:00 Europe/Paris (in 63 minutes)" in reply
    assert promises(buddy)[0].due_at == at(26, 16)


def test_the_platform_time_zone_is_used_until_the_member_picks_one(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides by friday", platform_timezone="America/New_York")
    assert promises(buddy)[0].due_at == at(27, 14)  # 09:00 in New York


def test_a_promise_due_in_more_than_two_days_gets_a_heads_up_the_day_before(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    assert promises(buddy)[0].heads_up_at == at(29, 9)


def test_a_promise_due_within_two_days_gets_no_heads_up(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides by friday")
    assert promises(buddy)[0].heads_up_at is None


def test_a_promise_with_an_unreadable_time_is_refused(buddy: Buddy) -> None:
    reply = buddy.refused("promise <@UBOB> the slides by flurbsday")
    assert "I couldn't read “flurbsday” as a date or time." in reply


def test_a_promise_due_in_the_past_is_refused(buddy: Buddy) -> None:
    reply = buddy.refused("promise <@UBOB> the slides by yesterday")
    assert "That time has already passed" in reply


def test_a_promise_on_a_date_that_has_passed_is_refused(buddy: Buddy) -> None:
    reply = buddy.refused("promise <@UBOB> the slides on 2026-11-01")
    assert "already passed" in reply


def test_the_earliest_time_word_that_reads_as_a_time_sets_the_due_time(buddy: Buddy) -> None:
    reply = buddy.say("promise <@UBOB> the deck on monday at 10am")
    assert "“the deck”" in reply
    assert "Mon 30 Nov 2026, 10:00" in reply


def test_a_promise_with_a_time_but_nothing_promised_is_refused(buddy: Buddy) -> None:
    reply = buddy.refused("promise <@UBOB> by friday")
    assert "Tell me what you promised." in reply


def test_a_promise_without_what_is_refused(buddy: Buddy) -> None:
    reply = buddy.refused("promise <@UBOB>")
    assert "Tell me what you promised." in reply
    assert "promise @sam the slides by friday" in reply


def test_a_promise_counts_as_following_up_a_meeting(buddy: Buddy) -> None:
    buddy.say("met <@UBOB> at PyCon")
    buddy.say("promise <@UBOB> the slides")
    [meeting] = buddy.store.rows("meetings", ALICE)
    assert meeting.follow_up_at is None


def test_a_promise_queues_nothing_itself_the_reminder_is_due_work(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides by friday")
    assert buddy.store.outbox == []


def test_the_same_promise_to_the_same_person_again_is_saved_with_a_warning(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides by friday")
    reply = buddy.say("promise <@UBOB> The  Slides")
    assert reply.splitlines()[-1] == (
        "⚠️ You already have #1 “the slides” open for @UBOB. If this is the same promise, drop 2."
    )
    assert open_numbers(buddy) == [1, 2]


def test_the_same_words_to_someone_else_or_after_keeping_it_bring_no_warning(
    buddy: Buddy,
) -> None:
    buddy.say("promise <@UBOB> the slides")
    assert "already have" not in buddy.say('promise "Ana Lima" the slides')
    buddy.say("done 1")
    assert "already have" not in buddy.say("promise <@UBOB> the slides")


# --- numbers --------------------------------------------------------------------------------------


def test_promise_numbers_count_up_from_one(buddy: Buddy) -> None:
    for n, what in enumerate(["a", "b", "c"], start=1):
        assert buddy.say(f"promise <@UBOB> {what}").startswith(f"✅ Promise #{n}:")
    assert open_numbers(buddy) == [1, 2, 3]


def test_a_closed_promises_number_is_not_given_out_again_for_seven_days(buddy: Buddy) -> None:
    for what in ["a", "b", "c"]:
        buddy.say(f"promise <@UBOB> {what}")
    buddy.say("done 2")
    assert buddy.say("promise <@UBOB> d").startswith("✅ Promise #4:")
    buddy.clock.advance(timedelta(days=6, hours=23))
    assert buddy.say("promise <@UBOB> e").startswith("✅ Promise #5:")
    buddy.clock.advance(timedelta(hours=1))
    assert buddy.say("promise <@UBOB> f").startswith("✅ Promise #2:")
    assert [(p.what, p.number) for p in promises(buddy) if p.status is PromiseStatus.OPEN] == [
        ("a", 1),
        ("c", 3),
        ("d", 4),
        ("e", 5),
        ("f", 2),
    ]


@pytest.mark.parametrize("command", ["done 1", "drop 1", "snooze 1 tomorrow"])
def test_a_number_typed_from_memory_after_its_promise_closed_says_which_promise_it_was(
    buddy: Buddy, command: str
) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("promise <@UBOB> the recipe")
    buddy.say("done 1")
    buddy.clock.advance(timedelta(hours=3))
    buddy.say("promise <@UBOB> a link")
    reply = buddy.refused(command)
    assert reply.splitlines()[0] == (
        "⚠️ #1 was “the slides”, kept Thu 26 Nov 2026, 14:57 UTC (3 hours ago): "
        "it is closed already."
    )


def test_a_dropped_promise_typed_again_says_it_was_dropped(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("drop 1")
    assert "#1 was “the slides”, dropped" in buddy.refused("done 1")


def test_a_number_closed_over_seven_days_ago_is_simply_not_open(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("done 1")
    buddy.clock.advance(timedelta(days=8))
    assert "You have no open promise #1." in buddy.refused("done 1")


def test_open_promises_keep_their_numbers_while_others_close(buddy: Buddy) -> None:
    for what in ["a", "b", "c"]:
        buddy.say(f"promise <@UBOB> {what}")
    buddy.say("drop 1")
    buddy.say("done 2")
    assert the_promise(buddy, 3).what == "c"
    assert "#3 c" in buddy.say("promises")


def test_each_member_has_their_own_promise_numbers(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> a")
    buddy.say("promise <@UBOB> b")
    assert buddy.say("promise <@UALICE> c", by=BOB).startswith("✅ Promise #1:")
    assert buddy.say("promise <@UBOB> d", by=ALICE_IN_T2).startswith("✅ Promise #1:")
    assert open_numbers(buddy) == [1, 2]


# --- promises -------------------------------------------------------------------------------------


def test_promises_with_none_open_says_so(buddy: Buddy) -> None:
    assert buddy.say("promises").startswith("No open promises.")


def test_promises_lists_open_ones_soonest_first_undated_last(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> undated thing")
    buddy.say("promise <@UBOB> the slides on monday")
    buddy.say('promise "Ana Lima" the recipe in 1 minute')
    buddy.say("promise <@UBOB> a link by friday")
    buddy.say("promise <@UBOB> dropped one")
    buddy.say("drop 5")
    lines = buddy.say("promises").splitlines()
    assert lines[0] == "Your open promises (4), soonest first:"
    assert lines[1:5] == [
        "• #3 the recipe → Ana Lima · due Thu 26 Nov 2026, 14:58 UTC (in 1 minute)",
        "• #4 a link → @UBOB · due Fri 27 Nov 2026, 09:00 UTC (tomorrow)",
        "• #2 the slides → @UBOB · due Mon 30 Nov 2026, 09:00 UTC (in 4 days)",
        "• #1 undated thing → @UBOB · no date",
    ]


@pytest.mark.parametrize(("made", "more"), [(20, None), (21, "…and 1 more"), (23, "…and 3 more")])
def test_promises_counts_all_open_ones_when_more_than_a_list_shows(
    buddy: Buddy, made: int, more: str | None
) -> None:
    for n in range(made + 1):
        buddy.say(f"promise <@UBOB> thing {n}")
    buddy.say(f"done {made + 1}")  # a kept one is not counted

    lines = buddy.say("promises").splitlines()

    assert lines[0] == f"Your open promises ({made}), soonest first:"
    assert sum(line.startswith("• #") for line in lines) == 20
    assert [line for line in lines if line.startswith("…and")] == (
        [] if more is None else [f"{more}: export sends you the full list."]
    )


def test_promises_marks_overdue_ones(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides in 1 minute")
    buddy.clock.advance(timedelta(minutes=5))
    assert "⏰ overdue" in buddy.say("promises")


def test_promises_shows_when_a_snoozed_promise_will_be_reminded(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides in 1 minute")
    buddy.say("promise <@UBOB> the recipe")
    buddy.say("promise <@UBOB> a link on monday")
    buddy.clock.advance(timedelta(minutes=5))
    buddy.say("snooze 1 tomorrow 9am")
    buddy.say("snooze 2 in 2 days")
    lines = buddy.say("promises").splitlines()
    assert lines[1:4] == [
        "• #1 the slides → @UBOB · 😴 reminder Fri 27 Nov 2026, 09:00 UTC (tomorrow)"
        " · was due Thu 26 Nov 2026, 14:58 UTC (4 minutes ago)",
        "• #2 the recipe → @UBOB · 😴 reminder Sat 28 Nov 2026, 15:02 UTC (in 2 days)",
        "• #3 a link → @UBOB · due Mon 30 Nov 2026, 09:00 UTC (in 4 days)",
    ]


def test_a_promise_snoozed_before_its_due_time_shows_both(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    buddy.say("snooze 1 tomorrow 9am")
    assert buddy.say("promises").splitlines()[1] == (
        "• #1 the slides → @UBOB · 😴 reminder Fri 27 Nov 2026, 09:00 UTC (tomorrow)"
        " · due Mon 30 Nov 2026, 09:00 UTC (in 4 days)"
    )


def test_promises_offers_a_done_button_for_each_of_the_first_five(buddy: Buddy) -> None:
    for n in range(7):
        buddy.say(f"promise <@UBOB> thing {n}")
    choices = buddy.run("promises").choices
    assert [c.label for c in choices] == [f"Done #{n}" for n in range(1, 6)]
    assert {c.action for c in choices} == {ACTION_DONE}
    assert [c.payload for c in choices] == [str(the_promise(buddy, n).id) for n in range(1, 6)]


# --- done -----------------------------------------------------------------------------------------


def test_done_closes_the_promise_and_counts_it_as_a_give(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides by friday")
    buddy.clock.advance(timedelta(hours=2))
    reply = buddy.say("done 1")
    assert reply.splitlines() == [
        "🎉 Kept on time: “the slides” for @UBOB.",
        "That counts as a give: 1 in the last 30 days.",
    ]
    promise = the_promise(buddy, 1)
    assert promise.status is PromiseStatus.DONE
    assert promise.closed_at == NOW + timedelta(hours=2)
    assert (promise.remind_at, promise.heads_up_at) == (None, None)
    [give] = buddy.store.rows("ledger", ALICE)
    assert (give.kind, give.what, give.contact_id) == (
        LedgerKind.GIVE,
        "the slides",
        promise.contact_id,
    )
    assert buddy.say("promises").startswith("No open promises.")


def test_done_after_the_due_time_is_kept_but_not_on_time(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides in 1 minute")
    buddy.clock.advance(timedelta(hours=1))
    assert buddy.say("done 1").startswith("🎉 Kept: “the slides” for @UBOB.")


def test_done_with_a_hash_before_the_number_works(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    assert buddy.say("done #1").startswith("🎉 Kept")


def test_kept_is_a_synonym_for_done(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    assert buddy.say("kept 1").startswith("🎉 Kept")


def test_done_twice_is_refused_the_second_time(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("done 1")
    assert "#1 was “the slides”, kept" in buddy.refused("done 1")


def test_done_clears_a_pending_follow_up(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("met <@UBOB> at the sprint")
    buddy.say("done 1")
    assert buddy.store.rows("meetings", ALICE)[0].follow_up_at is None


# --- snooze and drop ------------------------------------------------------------------------------


def test_snooze_moves_the_reminder_but_not_the_due_time(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    reply = buddy.say("snooze 1 in 3 days")
    assert reply.splitlines() == [
        "😴 I'll remind you about #1 “the slides” Sun 29 Nov 2026, 14:57 UTC (in 3 days).",
        "🕑 I read times in UTC until you choose your time zone: "
        "settings timezone Europe/Paris (any city's zone).",
    ]
    promise = the_promise(buddy, 1)
    assert (promise.due_at, promise.remind_at) == (at(30, 9), at(29, 14, 57))
    assert (promise.heads_up_at, promise.snoozes) == (None, 1)
    assert promise.status is PromiseStatus.OPEN


def test_snoozing_an_undated_promise_sets_a_reminder(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("snooze 1 tomorrow 9am")
    assert the_promise(buddy, 1).remind_at == at(27, 9)


def test_snooze_into_the_past_is_refused(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    assert "already passed" in buddy.refused("snooze 1 yesterday")


def test_snooze_without_a_time_is_refused(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    assert "Tell me until when." in buddy.refused("snooze 1")


def test_drop_cancels_a_promise_without_counting_a_give(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides by friday")
    reply = buddy.say("drop 1")
    assert reply == "Dropped #1 “the slides”. No more reminders."
    promise = the_promise(buddy, 1)
    assert promise.status is PromiseStatus.DROPPED
    assert (promise.remind_at, promise.closed_at) == (None, NOW)
    assert buddy.store.rows("ledger", ALICE) == []
    assert buddy.say("promises").startswith("No open promises.")


# --- buttons --------------------------------------------------------------------------------------


def test_the_done_button_keeps_the_promise(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides by friday")
    [choice] = buddy.run("promises").choices
    reply = buddy.press(choice.action, choice.payload).plain_text()
    assert reply.startswith("🎉 Kept on time: “the slides”")
    assert the_promise(buddy, 1).status is PromiseStatus.DONE
    assert len(buddy.store.rows("ledger", ALICE)) == 1


@pytest.mark.parametrize(
    ("action", "delay"),
    [(ACTION_SNOOZE_DAY, timedelta(days=1)), (ACTION_SNOOZE_WEEK, timedelta(days=7))],
)
def test_the_snooze_buttons_move_the_reminder(buddy: Buddy, action: str, delay: timedelta) -> None:
    buddy.say("promise <@UBOB> the slides in 1 minute")
    now = buddy.clock.advance(timedelta(minutes=1))
    promise = the_promise(buddy, 1)
    reply = buddy.press(action, str(promise.id)).plain_text()
    assert reply.startswith("😴 I'll remind you about #1 “the slides”")
    snoozed = the_promise(buddy, 1)
    assert (snoozed.remind_at, snoozed.snoozes, snoozed.status) == (
        now + delay,
        1,
        PromiseStatus.OPEN,
    )


@pytest.mark.parametrize("action", [ACTION_DONE, ACTION_SNOOZE_DAY, ACTION_SNOOZE_WEEK])
def test_a_button_on_an_already_closed_promise_is_answered_kindly(
    buddy: Buddy, action: str
) -> None:
    buddy.say("promise <@UBOB> the slides")
    promise_id = str(the_promise(buddy, 1).id)
    buddy.say("done 1")
    before = buddy.snapshot()
    reply = buddy.press(action, promise_id).plain_text()
    assert reply == "That promise is already closed. ✔️"
    assert buddy.snapshot() == before
    assert len(buddy.store.rows("ledger", ALICE)) == 1


@pytest.mark.parametrize("action", [ACTION_DONE, ACTION_SNOOZE_DAY, ACTION_SNOOZE_WEEK])
@pytest.mark.parametrize("presser", [BOB, ALICE_IN_T2], ids=["teammate", "same-id-elsewhere"])
def test_pressing_the_button_of_someone_elses_promise_is_refused(
    buddy: Buddy, action: str, presser: Member
) -> None:
    buddy.say("promise <@UBOB> the slides by friday")
    promise_id = str(the_promise(buddy, 1).id)
    before = buddy.snapshot()
    reply = buddy.press(action, promise_id, by=presser).plain_text()
    assert reply.startswith("⚠️ I couldn't find that promise among yours.")
    assert buddy.snapshot() == before


@pytest.mark.parametrize("payload", ["", "abc", "99", "-1", "²", "1 OR 1=1"])
def test_a_button_with_a_payload_that_names_no_promise_is_refused(
    buddy: Buddy, payload: str
) -> None:
    buddy.say("promise <@UBOB> the slides")
    before = buddy.snapshot()
    reply = buddy.press(ACTION_DONE, payload).plain_text()
    assert reply.startswith("⚠️ I couldn't find that promise among yours.")
    assert buddy.snapshot() == before


# --- edit -----------------------------------------------------------------------------------------


def test_edit_changes_what_was_promised_and_keeps_the_due_time(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    assert buddy.say("edit 1 the slides and the recording") == (
        "✏️ #1 is now “the slides and the recording”."
    )
    promise = the_promise(buddy, 1)
    assert (promise.what, promise.due_at, promise.remind_at) == (
        "the slides and the recording",
        at(30, 9),
        at(30, 9),
    )
    assert "#1 the slides and the recording → @UBOB · due Mon 30 Nov" in buddy.say("promises")


def test_edit_due_moves_the_due_time_and_the_reminders(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides by tomorrow 9am")
    buddy.say("snooze 1 saturday 10am")
    assert buddy.say("edit 1 due next friday 5pm").splitlines() == [
        "✏️ #1 is now “the slides”.",
        "Due Fri 4 Dec 2026, 17:00 UTC (in 8 days). I'll remind you by DM then.",
        "🕑 I read times in UTC until you choose your time zone: "
        "settings timezone Europe/Paris (any city's zone).",
    ]
    promise = the_promise(buddy, 1)
    due = datetime(2026, 12, 4, 17, tzinfo=UTC)
    assert (promise.what, promise.due_at, promise.remind_at) == ("the slides", due, due)
    assert promise.heads_up_at == due - timedelta(days=1)


def test_edit_due_gives_an_undated_promise_a_reminder(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("edit #1 due tomorrow 9am")
    assert (the_promise(buddy, 1).due_at, the_promise(buddy, 1).remind_at) == (at(27, 9), at(27, 9))


@pytest.mark.parametrize(
    ("command", "says"),
    [
        ("edit 1", "Tell me the new text, or due and the new time."),
        ("edit 1 due", "Tell me the new text, or due and the new time."),
        ("edit 1 due yesterday", "already passed"),
        ("edit 1 due whenever", "I couldn't read"),
        ("edit 2 the recipe", "You have no open promise #2."),
        ("edit one the recipe", "I need a promise number"),
        ("edit 1 " + "x" * 3000, "I keep up to 2,000"),
    ],
)
def test_edit_refusals_change_nothing(buddy: Buddy, command: str, says: str) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    assert says in buddy.refused(command)


def test_editing_someone_elses_promise_number_finds_only_your_own(buddy: Buddy) -> None:
    buddy.say("promise <@UALICE> the slides", by=BOB)
    assert "You have no open promise #1." in buddy.refused("edit 1 mine now")


# --- undo -----------------------------------------------------------------------------------------


def test_undo_reopens_a_promise_marked_done_by_mistake_and_takes_back_the_give(
    buddy: Buddy,
) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    before = the_promise(buddy, 1)
    buddy.say("done 1")
    buddy.clock.advance(timedelta(minutes=9))
    assert buddy.say("undo").splitlines() == [
        "↩️ #1 is open again; it no longer counts as a give.",
        "#1 the slides → @UBOB · due Mon 30 Nov 2026, 09:00 UTC (in 4 days)",
    ]
    after = the_promise(buddy, 1)
    assert (after.status, after.closed_at, after.remind_at, after.heads_up_at) == (
        PromiseStatus.OPEN,
        None,
        before.remind_at,
        before.heads_up_at,
    )
    assert buddy.store.rows("ledger", ALICE) == []


def test_undo_reopens_a_dropped_promise(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides by friday")
    buddy.say("drop 1")
    assert buddy.say("undo").startswith("↩️ #1 is open again.")
    assert the_promise(buddy, 1).status is PromiseStatus.OPEN
    assert the_promise(buddy, 1).remind_at == at(27, 9)


def test_undo_takes_back_a_snooze(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    buddy.say("snooze 1 tomorrow 9am")
    assert buddy.say("undo").startswith("↩️ The snooze of #1 is taken back.")
    promise = the_promise(buddy, 1)
    assert (promise.remind_at, promise.heads_up_at, promise.snoozes) == (
        at(30, 9),
        at(29, 9),
        0,
    )


def test_undo_takes_back_an_edit(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    buddy.say("edit 1 the recording")
    buddy.say("edit 1 due friday")
    assert buddy.say("undo").startswith("↩️ #1 is back as it was.")
    assert (the_promise(buddy, 1).what, the_promise(buddy, 1).due_at) == (
        "the recording",
        at(30, 9),
    )
    # One step per promise: the change before that is not kept.
    assert "Nothing to undo" in buddy.refused("undo")


def test_undo_takes_back_only_the_latest_change(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("promise <@UBOB> the recipe")
    buddy.say("done 1")
    buddy.clock.advance(timedelta(minutes=1))
    buddy.say("drop 2")
    buddy.say("undo")
    assert open_numbers(buddy) == [2]
    assert buddy.say("undo").startswith("↩️ #1 is open again")  # then the one before, if recent
    assert open_numbers(buddy) == [1, 2]


def test_a_snooze_button_can_be_undone_too(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides on monday")
    buddy.press(ACTION_SNOOZE_DAY, str(the_promise(buddy, 1).id))
    buddy.say("undo")
    assert the_promise(buddy, 1).remind_at == at(30, 9)


def test_undo_after_ten_minutes_is_refused(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("done 1")
    buddy.clock.advance(timedelta(minutes=10))
    assert "Nothing to undo" in buddy.refused("undo")


def test_undo_with_nothing_done_is_refused_and_never_touches_another_members_promise(
    buddy: Buddy,
) -> None:
    buddy.say("promise <@UALICE> the slides", by=BOB)
    buddy.say("done 1", by=BOB)
    assert "Nothing to undo" in buddy.refused("undo")
    buddy.say("undo", by=BOB)
    assert "Nothing to undo" in buddy.refused("undo", by=BOB)


@pytest.mark.parametrize("name", ["sam", "Sam"])
def test_a_hint_never_tells_a_member_to_promise_themselves(buddy: Buddy, name: str) -> None:
    sam = Member(Platform.SLACK, "T1", "USAM")
    reply = buddy.say("promises", by=sam, invoker_name=name)
    assert "promise @ana the slides by friday" in reply
    assert "@sam" not in reply.lower()
    assert "promise @sam the slides by friday" in buddy.say("promises")  # Alice: Sam is fine
