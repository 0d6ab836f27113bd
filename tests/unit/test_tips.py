"""`tips`, and which tip the digest, pairing heads-ups, event reminders and introductions carry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.commands.event_posts import ACTION_GOING
from bot.commands.intros import ACTION_ACCEPT
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.effects import GroupIntro
from bot.core.identity import Member, Platform
from bot.core.message import CommandRef, Message, Paragraph, text_plain
from bot.core.tips import TIPS, Topic, digest_tip, tips_about, week_number
from tests.fakes import InMemoryStore, ManualClock
from tests.unit.harness import ALICE, BOB, CAROL, GENERAL, NOW, Buddy
from tests.unit.jobs_harness import paris, timeline

members = st.builds(
    Member,
    st.sampled_from(Platform),
    st.text(min_size=1, max_size=12),
    st.text(min_size=1, max_size=20),
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 12, 31))


def test_weeks_are_counted_on_across_a_new_year_without_a_gap() -> None:
    # 2026 has 53 ISO weeks; Monday 4 January 2027 starts the week after the one of 31 December.
    assert week_number(date(2027, 1, 4)) == week_number(date(2026, 12, 31)) + 1
    assert week_number(date(2026, 12, 28)) == week_number(date(2027, 1, 3))


@given(
    member=members,
    start=days,
    weekdays=st.lists(st.integers(min_value=0, max_value=6), min_size=8, max_size=8),
)
def test_a_members_digest_tip_never_repeats_within_eight_weeks(
    member: Member, start: date, weekdays: list[int]
) -> None:
    # Any day of each of eight weeks in a row: members choose their digest's day, and change it.
    monday = start - timedelta(days=start.weekday())
    weeks = [monday + timedelta(weeks=k, days=day) for k, day in enumerate(weekdays)]
    assert len({week_number(day) for day in weeks}) == 8
    tips = [digest_tip(member, day) for day in weeks]
    assert len(set(tips)) == 8


@given(member=members, start=days, later=st.integers(min_value=0, max_value=6))
def test_a_members_digest_tip_stays_the_same_all_week(
    member: Member, start: date, later: int
) -> None:
    monday = start - timedelta(days=start.weekday())
    assert digest_tip(member, monday) == digest_tip(member, monday + timedelta(days=later))


async def test_eight_weekly_digests_end_with_eight_different_tips(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("settings timezone Europe/Paris")
    buddy.say("promise <@UBOB> the slides")  # something to tell, so the digest comes
    await bot.tick()
    endings = []
    for week in range(8):
        await bot.at(paris(2026, 11, 30, 9, 5) + timedelta(weeks=week))
        [digest] = [m for m in bot.new_dms(ALICE) if m.plain_text().startswith("📬")]
        endings.append(digest.plain_text().splitlines()[-1])
    assert all(line.startswith("💡 ") for line in endings)
    assert len(set(endings)) == 8
    assert {line.removeprefix("💡 ") for line in endings} <= {text_plain(t.text) for t in TIPS}


def test_tips_alone_gives_one_tip_on_each_topic_and_names_the_topics(buddy: Buddy) -> None:
    lines = buddy.say("tips").splitlines()
    assert lines[0] == "💡 A few tips for connecting well (new ones each week):"
    assert [line.split(":")[0] for line in lines[1:5]] == [
        "• First meeting",
        "• Follow up",
        "• Give",
        "• Ask",
    ]
    assert lines[-1] == (
        "More on one topic: tips first meeting, tips follow up, tips give, tips ask."
    )


def test_tips_on_a_topic_lists_all_of_that_topics_tips(buddy: Buddy) -> None:
    reply = buddy.say("tips first meeting")
    first_meeting = tips_about(Topic.FIRST_MEETING)
    assert reply.splitlines()[0] == f"💡 Tips: first meeting ({len(first_meeting)})"
    for tip in first_meeting:
        assert f"• {text_plain(tip.text)}" in reply
    assert "Give before you ask" not in reply
    assert buddy.say("tips Follow-Up") == buddy.say("tips follow up")
    assert buddy.say("tips followup") == buddy.say("tips follow up")


def test_a_tip_naming_a_command_shows_it_as_one(buddy: Buddy) -> None:
    reply = buddy.run("tips follow up")
    assert "note" in {part.command for part in _command_refs(reply)}


def test_an_unknown_topic_is_refused_kindly_with_the_nearest_and_every_topic(
    buddy: Buddy,
) -> None:
    reply = buddy.refused("tips folow up")
    assert "I have no tips about “folow up”. Did you mean tips follow up?" in reply
    assert "Topics: first meeting, follow up, give, ask." in reply
    assert "Did you mean" not in buddy.refused("tips quantum chromodynamics")


def test_help_explains_tips_with_an_example(buddy: Buddy) -> None:
    reply = buddy.say("help tips")
    assert reply.splitlines()[0] == "tips [first meeting | follow up | give | ask] (also: tip)"
    assert "• tips first meeting" in reply


def _command_refs(msg: Message) -> list[CommandRef]:
    found: list[CommandRef] = []
    for block in msg.blocks:
        for para in (block,) if isinstance(block, Paragraph) else block.items:
            found += [part for part in para.parts if isinstance(part, CommandRef)]
    return found


# --- one first-meeting tip where people are about to meet ------------------------------------

FIRST_MEETING_TIPS = {text_plain(tip.text) for tip in tips_about(Topic.FIRST_MEETING)}


def _tips_in(msg: Message) -> list[str]:
    lines = msg.plain_text().splitlines()
    return [line.removeprefix("💡 ") for line in lines if line.startswith("💡 ")]


async def test_a_pairing_heads_up_carries_one_first_meeting_tip(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("pairing on", by=CAROL, channel=GENERAL, is_organiser=True)
    buddy.say("join", channel=GENERAL)
    await bot.at(datetime(2026, 11, 29, 10, 0, tzinfo=UTC))  # the day before Monday's round
    [heads_up] = bot.new_dms(ALICE)
    assert heads_up.plain_text().startswith("🍽️ Pairing round in")
    [tip] = _tips_in(heads_up)
    assert tip in FIRST_MEETING_TIPS


async def test_both_event_reminders_carry_one_first_meeting_tip_each(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say('event "Rust night" friday 6pm', by=CAROL, channel=GENERAL)
    with buddy.store() as uow:
        [event] = uow.events.upcoming(GENERAL, now=buddy.clock.now())
    buddy.press(ACTION_GOING, str(event.id), channel=GENERAL)
    bot.mark_seen()
    tips = []
    for when in (event.starts_at - timedelta(hours=23), event.starts_at - timedelta(minutes=59)):
        await bot.at(when)
        [reminder] = bot.new_dms(ALICE)
        assert reminder.plain_text().startswith("⏰ Coming up")
        [tip] = _tips_in(reminder)
        tips.append(tip)
    assert set(tips) <= FIRST_MEETING_TIPS
    assert tips[0] != tips[1]  # the hour before brings another one


def test_an_introduction_carries_one_first_meeting_tip() -> None:
    assert _introduced_tip(intros_elsewhere=0) in FIRST_MEETING_TIPS


def _introduced_tip(*, intros_elsewhere: int) -> str:
    """The tip of Carol's introduction of Alice and Bob, made after `intros_elsewhere`
    introductions in another workspace (which move the global ids on)."""
    store = InMemoryStore()
    buddy = Buddy(
        service=CommandService(
            uow_factory=store, clock=ManualClock(NOW), commands=COMMANDS, actions=ACTIONS
        ),
        store=store,
        clock=ManualClock(NOW),
    )
    elsewhere = [Member(Platform.SLACK, "T2", user) for user in ("UANA", "UBEN", "UCID")]
    for _ in range(intros_elsewhere):
        buddy.say("intro <@UANA> <@UBEN> you should talk", by=elsewhere[2])
    for member in (ALICE, BOB):
        buddy.say("offer something", by=member)
    buddy.say("intro <@UALICE> <@UBOB> you should talk", by=CAROL)
    with buddy.store() as uow:
        [intro] = uow.intros.involving(CAROL)
    for member in (ALICE, BOB):
        buddy.press(ACTION_ACCEPT, str(intro.id), by=member)
    [made] = [r.effect.message for r in buddy.store.outbox if isinstance(r.effect, GroupIntro)]
    [tip] = _tips_in(made)
    return tip


def test_an_introductions_tip_does_not_depend_on_other_workspaces() -> None:
    """Chosen from the introduction itself, never from a global id: another workspace's
    activity cannot change (and so cannot be read from) what this one is shown."""
    tips = {
        _introduced_tip(intros_elsewhere=n) for n in range(len(tips_about(Topic.FIRST_MEETING)) + 1)
    }
    assert len(tips) == 1
