"""The weekly digest: in the member's zone on their day, with promises, follow-ups and ideas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.effects import DirectMessage
from bot.core.message import Message
from tests.unit.harness import ALICE, BOB, CAROL, Buddy
from tests.unit.jobs_harness import Timeline, paris, pause, timeline

# NOW is Thursday 26 November 2026; the next Monday 09:00 in Paris is 30 November, 08:00 UTC.
MONDAY_NINE_PARIS = paris(2026, 11, 30, 9, 0)


async def alice_with_news(buddy: Buddy) -> Timeline:
    """Alice, in Paris, with an open promise and a contact waiting on a follow-up."""
    bot = timeline(buddy)
    buddy.say("settings timezone Europe/Paris")
    buddy.say("offer code reviews in Python and Rust")
    buddy.say("promise <@UBOB> the slides by friday 5pm")
    buddy.say("met <@USAM> at PyCon — talked about Rust")
    await bot.tick()  # schedules the first digest
    return bot


def digest_to(bot: Timeline) -> Message | None:
    found = [m for m in bot.new_dms(ALICE) if m.plain_text().startswith("📬")]
    assert len(found) <= 1
    return found[0] if found else None


async def test_the_digest_comes_on_monday_at_nine_in_the_members_zone(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)
    await bot.at(MONDAY_NINE_PARIS - timedelta(minutes=1))
    assert digest_to(bot) is None
    await bot.at(MONDAY_NINE_PARIS)
    digest = digest_to(bot)
    assert digest is not None
    lines = digest.plain_text().splitlines()
    assert lines[:5] == [
        "📬 Your weekly digest",
        "Open promises (1):",
        "• #1 the slides → @UBOB · due Fri 27 Nov 2026, 17:00 Europe/Paris (3 days ago) ⏰ overdue",
        "Waiting on a follow-up from you:",
        "• @USAM: you met Thu 26 Nov, at PyCon — talked about Rust. "
        "A link, an intro or a thank-you would do.",
    ]
    assert lines[-1].startswith("💡 ")
    assert [c.label for c in digest.choices] == ["Done #1"]


async def test_the_digest_shows_when_a_snoozed_promise_will_be_reminded(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)
    await bot.at(MONDAY_NINE_PARIS - timedelta(hours=1))
    buddy.say("snooze 1 wednesday 10am")
    await bot.at(MONDAY_NINE_PARIS)
    digest = digest_to(bot)
    assert digest is not None
    assert digest.plain_text().splitlines()[2] == (
        "• #1 the slides → @UBOB · 😴 reminder Wed 2 Dec 2026, 10:00 Europe/Paris (in 2 days)"
        " · was due Fri 27 Nov 2026, 17:00 Europe/Paris (3 days ago)"
    )


async def test_a_give_idea_is_a_member_whose_looking_for_matches_the_offer(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)
    buddy.say("looking-for a Rust code review for my parser", by=BOB)
    buddy.say("looking-for a flat in Lisbon", by=CAROL)
    await bot.at(MONDAY_NINE_PARIS)
    digest = digest_to(bot)
    assert digest is not None
    text = digest.plain_text()
    assert (
        "A give idea:\n• @UBOB is looking for “a Rust code review for my parser” — and you "
        "offer “code reviews in Python and Rust”. A short note could make their week." in text
    )
    assert "UCAROL" not in text


async def test_each_week_brings_one_digest_at_nine_across_the_end_of_summer_time(
    buddy: Buddy,
) -> None:
    buddy.clock.set(paris(2026, 10, 18, 12, 0))  # Sunday, summer time
    bot = await alice_with_news(buddy)
    await bot.at(datetime(2026, 10, 19, 7, 0, tzinfo=UTC))  # 09:00 CEST
    assert digest_to(bot) is not None
    # Sunday 25 October the clocks go back: Monday 09:00 is now 08:00 UTC.
    await bot.at(datetime(2026, 10, 26, 7, 0, tzinfo=UTC))
    assert digest_to(bot) is None
    await bot.at(datetime(2026, 10, 26, 8, 0, tzinfo=UTC))
    assert digest_to(bot) is not None
    await bot.at(datetime(2026, 10, 26, 20, 0, tzinfo=UTC))
    assert digest_to(bot) is None


async def test_the_digest_day_and_time_follow_the_members_settings(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)
    buddy.say("settings digest friday 4pm")
    await bot.at(MONDAY_NINE_PARIS)
    assert digest_to(bot) is None
    await bot.at(paris(2026, 12, 4, 16, 0))
    assert digest_to(bot) is not None


async def test_a_digest_more_than_a_day_stale_is_skipped_not_sent_late(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)
    await bot.at(MONDAY_NINE_PARIS + timedelta(days=1, minutes=1))  # the bot was down
    assert digest_to(bot) is None
    await bot.at(MONDAY_NINE_PARIS + timedelta(days=7))  # the next one comes on time
    assert digest_to(bot) is not None


async def test_a_digest_a_few_hours_late_is_still_sent(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)
    await bot.at(MONDAY_NINE_PARIS + timedelta(hours=5))
    assert digest_to(bot) is not None


async def test_a_digest_in_quiet_hours_waits_until_they_end(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)
    buddy.say("settings quiet 22:00-10:00")
    await bot.at(MONDAY_NINE_PARIS)
    [row] = [r for r in bot.new_rows() if r.key.startswith("digest:")]
    assert row.not_before == paris(2026, 11, 30, 10, 0)


async def test_a_paused_member_gets_no_digest(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)
    pause(buddy, ALICE, until=MONDAY_NINE_PARIS + timedelta(hours=1))
    await bot.at(MONDAY_NINE_PARIS)
    assert digest_to(bot) is None
    await bot.at(MONDAY_NINE_PARIS + timedelta(days=7))
    assert digest_to(bot) is not None


async def test_a_member_who_turned_the_digest_off_gets_none_until_they_turn_it_on(
    buddy: Buddy,
) -> None:
    bot = await alice_with_news(buddy)
    buddy.say("settings digest off")
    for week in range(3):
        await bot.at(MONDAY_NINE_PARIS + timedelta(days=7 * week))
        assert digest_to(bot) is None, week
    buddy.say("settings digest on")
    await bot.at(MONDAY_NINE_PARIS + timedelta(days=21))
    assert digest_to(bot) is not None


async def test_members_who_never_used_the_bot_get_no_digest(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)  # Bob and Sam are only mentioned by Alice
    await bot.at(MONDAY_NINE_PARIS + timedelta(days=14))
    recipients = {r.effect.to for r in bot.new_rows() if isinstance(r.effect, DirectMessage)}
    assert recipients == {ALICE}


async def test_a_member_with_nothing_to_report_gets_no_digest(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("settings timezone Europe/Paris")
    await bot.tick()
    await bot.at(MONDAY_NINE_PARIS)
    assert bot.new_rows() == []


async def test_a_digest_is_queued_once_however_often_the_ticker_runs(buddy: Buddy) -> None:
    bot = await alice_with_news(buddy)
    await bot.at(MONDAY_NINE_PARIS)
    for _ in range(3):
        await bot.tick()
    await bot.at(MONDAY_NINE_PARIS + timedelta(hours=3))
    assert len([r for r in buddy.store.outbox if r.key.startswith("digest:")]) == 1
