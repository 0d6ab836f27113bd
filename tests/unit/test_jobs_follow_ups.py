"""Follow-up nudges after a meeting, and keep-in-touch nudges when a cadence runs out."""

from __future__ import annotations

from datetime import timedelta

from bot.commands.jobs.follow_ups import ACTION_DISMISS, ACTION_LOG_GIVE, ACTION_LOG_PROMISE
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.policy import Policy
from tests.fakes import InMemoryStore, ManualClock
from tests.unit.harness import ALICE, BOB, NOW, Buddy
from tests.unit.jobs_harness import pause, timeline

THREE_DAYS = timedelta(days=3)


async def test_three_days_after_a_meeting_the_nudge_hands_back_the_context(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("met <@USAM> at PyCon — talked about Rust")  # Thursday
    await bot.after(THREE_DAYS - timedelta(minutes=1))
    assert bot.new_dms(ALICE) == []
    await bot.after(timedelta(minutes=1))
    [nudge] = bot.new_dms(ALICE)
    assert nudge.plain_text().splitlines() == [
        "👋 You met @USAM on Thursday at PyCon — talked about Rust.",
        "Anything you could send them? A link, an intro, or a thank-you will do.",
    ]
    assert [(c.label, c.action) for c in nudge.choices] == [
        ("Log a promise", ACTION_LOG_PROMISE),
        ("Log a give", ACTION_LOG_GIVE),
        ("Dismiss", ACTION_DISMISS),
    ]
    await bot.after(THREE_DAYS)
    assert bot.new_dms(ALICE) == []  # once only


async def test_a_context_that_is_not_a_place_reads_after_a_dash(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say('met "Ana Lima" talked about sourdough')
    await bot.after(THREE_DAYS)
    [nudge] = bot.new_dms(ALICE)
    assert nudge.plain_text().startswith(
        "👋 You met Ana Lima on Thursday — talked about sourdough."
    )


async def test_the_follow_up_delay_is_configurable(
    store: InMemoryStore, clock: ManualClock
) -> None:
    policy = Policy(follow_up_after=timedelta(days=1))
    service = CommandService(
        uow_factory=store, clock=clock, commands=COMMANDS, actions=ACTIONS, policy=policy
    )
    buddy = Buddy(service=service, store=store, clock=clock)
    bot = timeline(buddy, policy=policy)
    buddy.say("met <@USAM> at PyCon")
    await bot.after(timedelta(days=1))
    assert len(bot.new_dms(ALICE)) == 1


async def test_no_nudge_when_a_promise_or_give_to_that_person_came_since(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("met <@USAM> at PyCon")
    buddy.say('met "Ana Lima" at the Lisbon meetup')
    buddy.clock.advance(timedelta(days=1))
    buddy.say("promise <@USAM> the slides")
    buddy.say('give "Ana Lima" a pointer to a bakery')
    await bot.after(THREE_DAYS)
    assert bot.new_dms(ALICE) == []


async def test_log_a_promise_hands_back_the_command_to_type_prefilled(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("met <@USAM> at PyCon")
    buddy.say('met "Ana Lima" at the Lisbon meetup')
    await bot.after(THREE_DAYS)
    sam, ana = bot.new_dms(ALICE)
    promise = sam.choices[0]
    assert buddy.press(promise.action, promise.payload).plain_text().splitlines() == [
        "Type this, with your own words in place of the brackets:",
        "promise @USAM [what you'll send] by [when]",
        "For example: promise @USAM the Rust talk slides by friday",
    ]
    give = ana.choices[1]
    assert buddy.press(give.action, give.payload).plain_text().splitlines()[1] == (
        'give "Ana Lima" [what you gave]'
    )
    # The command it suggests works as typed.
    assert buddy.say('give "Ana Lima" a bakery tip').startswith("🙌 Logged")


async def test_dismiss_stops_the_nudges_about_that_contact(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("met <@USAM> at PyCon")
    await bot.after(THREE_DAYS)
    [nudge] = bot.new_dms(ALICE)
    buddy.say("met <@USAM> again at the sprint")  # a newer meeting, with its own nudge due
    dismiss = nudge.choices[2]
    assert buddy.press(dismiss.action, dismiss.payload).plain_text() == (
        "OK — no follow-up nudge about @USAM."
    )
    await bot.after(THREE_DAYS)
    assert bot.new_dms(ALICE) == []


async def test_a_button_for_someone_elses_contact_finds_nothing(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("met <@USAM> at PyCon")
    await bot.after(THREE_DAYS)
    [nudge] = bot.new_dms(ALICE)
    reply = buddy.press(nudge.choices[2].action, nudge.choices[2].payload, by=BOB).plain_text()
    assert reply.startswith("⚠️ I couldn't find that contact")


async def test_a_paused_member_gets_no_follow_up_nudge(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("met <@USAM> at PyCon")
    pause(buddy, ALICE, until=NOW + timedelta(days=10))
    await bot.after(THREE_DAYS)
    assert bot.new_dms(ALICE) == []
    await bot.after(timedelta(days=10))  # not sent late after the pause either
    assert bot.new_dms(ALICE) == []


async def test_a_follow_up_due_in_quiet_hours_waits_for_them_to_end(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("settings quiet 14:00-16:00")  # UTC; now is 14:57
    buddy.say("met <@USAM> at PyCon")
    await bot.after(THREE_DAYS)
    [row] = bot.new_rows()
    assert row.not_before == NOW.replace(hour=16, minute=0) + THREE_DAYS


# --- keep in touch ------------------------------------------------------------------------------


async def test_a_cadence_that_runs_out_nudges_to_keep_in_touch(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("keep-in-touch <@USAM> every 2 weeks")
    await bot.after(timedelta(days=14) - timedelta(minutes=1))
    assert bot.new_dms(ALICE) == []
    await bot.after(timedelta(minutes=1))
    [nudge] = bot.new_dms(ALICE)
    assert nudge.plain_text().splitlines() == [
        "🔁 It's been 14+ days since you were in touch with @USAM (last: Thu 26 Nov). "
        "A quick hello, or something useful to pass on?",
        "Anything you log with them — met, note, give, a promise kept — resets this.",
    ]
    assert [c.label for c in nudge.choices] == ["Log a give"]
    # The next nudge comes a full interval later, once.
    await bot.after(timedelta(days=13))
    assert bot.new_dms(ALICE) == []
    await bot.after(timedelta(days=1))
    assert len(bot.new_dms(ALICE)) == 1


async def test_any_logged_interaction_resets_the_keep_in_touch_clock(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("keep-in-touch <@USAM> every 2 weeks")
    await bot.after(timedelta(days=10))
    buddy.say("note <@USAM> starts a new job in January")
    await bot.after(timedelta(days=13))
    assert bot.new_dms(ALICE) == []
    await bot.after(timedelta(days=1))
    assert len(bot.new_dms(ALICE)) == 1


async def test_a_paused_member_gets_no_keep_in_touch_nudge(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("keep-in-touch <@USAM> every week")
    pause(buddy, ALICE, until=NOW + timedelta(days=8))
    await bot.after(timedelta(days=7))
    assert bot.new_dms(ALICE) == []
