"""Promise reminders and day-before heads-ups, as time passes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.commands.promises import ACTION_DONE, ACTION_SNOOZE_DAY, ACTION_SNOOZE_WEEK
from bot.core.effects import DirectMessage
from bot.core.message import Message
from bot.core.records import PromiseStatus
from tests.unit.harness import ALICE, BOB, NOW, Buddy
from tests.unit.jobs_harness import paris, pause, timeline


def labels(message: Message) -> list[str]:
    return [choice.label for choice in message.choices]


async def test_a_promise_is_reminded_by_dm_when_due_with_done_and_snooze_buttons(
    buddy: Buddy,
) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UBOB> the slides by tomorrow 9am")
    await bot.at(datetime(2026, 11, 27, 8, 59, tzinfo=UTC))
    assert bot.new_dms(ALICE) == []

    await bot.at(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    [reminder] = bot.new_dms(ALICE)
    assert reminder.plain_text().splitlines() == [
        "⏰ Reminder — promise #1: send @UBOB “the slides”",
        "Due now.",
    ]
    assert labels(reminder) == ["Done #1", "Snooze a day", "Snooze a week"]
    promise_id = buddy.store.rows("promises", ALICE)[0].id
    assert [(c.action, c.payload) for c in reminder.choices] == [
        (ACTION_DONE, str(promise_id)),
        (ACTION_SNOOZE_DAY, str(promise_id)),
        (ACTION_SNOOZE_WEEK, str(promise_id)),
    ]


async def test_ticking_again_or_later_never_queues_a_reminder_twice(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UBOB> the slides in 1 hour")
    await bot.after(timedelta(hours=1))
    queued = len(buddy.store.outbox)
    assert (await bot.tick())["reminders"] == 0
    await bot.after(timedelta(days=3))
    assert len(buddy.store.outbox) == queued == 1


async def test_snoozing_a_reminder_brings_it_back_a_day_later(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UBOB> the slides in 1 hour")
    await bot.after(timedelta(hours=1))
    [reminder] = bot.new_dms(ALICE)
    snooze = next(c for c in reminder.choices if c.label == "Snooze a day")
    assert "I'll remind you about #1" in buddy.press(snooze.action, snooze.payload).plain_text()

    await bot.after(timedelta(hours=23, minutes=59))
    assert bot.new_dms(ALICE) == []
    await bot.after(timedelta(minutes=1))
    [again] = bot.new_dms(ALICE)
    assert again.plain_text().startswith("⏰ Reminder — promise #1")
    assert again.plain_text().splitlines()[1] == (
        "Was due Thu 26 Nov 2026, 15:57 UTC (yesterday). You snoozed it until now."
    )


async def test_pressing_done_on_a_reminder_closes_the_promise_and_stops_reminders(
    buddy: Buddy,
) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UBOB> the slides in 1 hour")
    await bot.after(timedelta(hours=1))
    [reminder] = bot.new_dms(ALICE)
    done = reminder.choices[0]
    assert "Kept" in buddy.press(done.action, done.payload).plain_text()
    assert buddy.store.rows("promises", ALICE)[0].status is PromiseStatus.DONE
    await bot.after(timedelta(days=8))
    assert bot.new_dms(ALICE) == []


async def test_a_reminder_due_in_quiet_hours_is_held_until_they_end(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("settings timezone Europe/Paris quiet 22:00-07:00")
    buddy.clock.set(paris(2026, 11, 26, 20, 0))
    buddy.say("promise <@UBOB> the slides by today 23:30")
    await bot.at(paris(2026, 11, 26, 23, 30))
    [row] = bot.new_rows()
    assert row.key.startswith("reminder:")
    assert row.not_before == paris(2026, 11, 27, 7, 0)
    # Read at 07:00, it says when it was due, not "Due now".
    assert isinstance(row.effect, DirectMessage)
    assert row.effect.message.plain_text().splitlines()[1] == (
        "It was due Thu 26 Nov 2026, 23:30 Europe/Paris; I held it during your quiet hours."
    )
    # Handled all the same: nothing more is queued when quiet hours end.
    await bot.at(paris(2026, 11, 27, 7, 0))
    assert bot.new_rows() == []


async def test_a_paused_member_still_gets_the_reminders_they_set(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UBOB> the slides in 2 hours")
    pause(buddy, ALICE, until=NOW + timedelta(days=7))
    await bot.after(timedelta(hours=2))
    [reminder] = bot.new_dms(ALICE)
    assert reminder.plain_text().startswith("⏰ Reminder")


async def test_a_promise_due_days_ahead_gets_a_heads_up_the_day_before(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UBOB> the slides in 5 days")
    await bot.after(timedelta(days=4) - timedelta(minutes=1))
    assert bot.new_dms(ALICE) == []
    await bot.after(timedelta(minutes=1))
    [heads_up] = bot.new_dms(ALICE)
    assert heads_up.plain_text().splitlines() == [
        "⏳ Heads-up — promise #1: send @UBOB “the slides”",
        "It's due Tue 1 Dec 2026, 14:57 UTC (tomorrow).",
    ]
    assert labels(heads_up) == ["Done #1"]
    await bot.after(timedelta(days=1))
    [reminder] = bot.new_dms(ALICE)
    assert reminder.plain_text().startswith("⏰ Reminder")


async def test_a_promise_due_within_two_days_gets_no_heads_up(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UBOB> the slides in 2 days")
    await bot.after(timedelta(days=1, hours=12))
    assert bot.new_dms(ALICE) == []
    await bot.after(timedelta(hours=12))
    assert [m.plain_text()[:10] for m in bot.new_dms(ALICE)] == ["⏰ Reminder"]


async def test_a_paused_member_gets_no_heads_up_only_the_reminder(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UBOB> the slides in 5 days")
    pause(buddy, ALICE, until=NOW + timedelta(days=30))
    await bot.after(timedelta(days=4))
    assert bot.new_dms(ALICE) == []
    await bot.after(timedelta(days=1))
    assert [m.plain_text()[:10] for m in bot.new_dms(ALICE)] == ["⏰ Reminder"]


async def test_after_down_time_a_past_due_promise_gets_its_reminder_without_the_heads_up(
    buddy: Buddy,
) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UBOB> the slides in 5 days")
    await bot.after(timedelta(days=6))  # the bot was down through both
    assert [m.plain_text()[:10] for m in bot.new_dms(ALICE)] == ["⏰ Reminder"]


async def test_a_member_without_a_profile_gets_no_reminder(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("promise <@UALICE> an intro in 1 hour", by=BOB)
    with buddy.store() as uow:  # e.g. a row left without its owner's profile
        del uow.state.profiles[BOB]
        uow.commit()
    counts = await bot.after(timedelta(hours=1))
    assert counts["reminders"] == 1  # handled...
    assert bot.new_rows() == []  # ...but nothing sent
    [promise] = buddy.store.rows("promises", BOB)
    assert promise.remind_at is None
