"""Pairing rounds as members and organisers live them: join, heads-up, groups, check-in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import combinations

import pytest

from bot.commands.jobs.pairing import (
    ACTION_MET,
    ACTION_NOT_YET,
    ACTION_SKIP_CHECKIN,
    ACTION_SKIP_ROUND,
    PAIRING_GROUP_TITLE,
    PairingCheckIns,
    PairingHeadsUps,
    PairingRounds,
)
from bot.core.effects import INTRODUCTIONS, DirectMessage, GroupIntro
from bot.core.identity import Member
from bot.core.records import MembershipState
from tests.fakes import OutboxRow
from tests.unit.harness import ALICE, BOB, CAROL, GENERAL, Buddy

DAN = Member(ALICE.platform, ALICE.workspace_id, "UDAN")
EVE = Member(ALICE.platform, ALICE.workspace_id, "UEVE")
EVERYONE = (ALICE, BOB, CAROL, DAN, EVE)
# NOW is Thursday 26 November 2026, 14:57 UTC: with the defaults (Mondays 10:00 in the
# organiser's zone, UTC here) the first round is on Monday 30 November at 10:00 UTC.
FIRST_ROUND = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def organise(
    buddy: Buddy, text: str = "pairing on", *, by: Member = CAROL, channel_name: str = "general"
) -> str:
    """An organiser's command in #general (the platform names the channel, as Slack does)."""
    return buddy.say(text, by=by, channel=GENERAL, channel_name=channel_name, is_organiser=True)


def in_channel(buddy: Buddy, text: str, *, by: Member) -> str:
    return buddy.say(text, by=by, channel=GENERAL)


def tick(buddy: Buddy) -> None:
    for job in (PairingHeadsUps(), PairingRounds(), PairingCheckIns()):
        with buddy.store() as uow:
            job.run(uow, now=buddy.clock.now(), limit=100)
            uow.commit()


def dms(buddy: Buddy, member: Member) -> list[OutboxRow]:
    return buddy.store.dms_to(member)


def groups(buddy: Buddy) -> list[GroupIntro]:
    return [r.effect for r in buddy.store.outbox if isinstance(r.effect, GroupIntro)]


def grouped(buddy: Buddy) -> list[set[Member]]:
    return [set(group.members) for group in groups(buddy)]


@pytest.fixture
def channel(buddy: Buddy) -> Buddy:
    """Pairing on in #general (Carol organises), and all five members joined."""
    organise(buddy)
    for member in EVERYONE:
        buddy.say(f"offer {member.user_id[1:].lower()}'s expertise", by=member)
        in_channel(buddy, "join", by=member)
    return buddy


# --- organisers ---------------------------------------------------------------------------------


def test_pairing_on_says_how_often_in_what_groups_and_when_the_first_round_is(
    buddy: Buddy,
) -> None:
    reply = organise(
        buddy, "pairing on every 2 weeks groups of 3 on tuesday at 9am in Europe/Paris"
    )
    assert "🍽️ Pairing is on in #general: every 2 weeks, in groups of 3, Tuesdays 09:00" in reply
    assert "(Europe/Paris)" in reply
    assert "Next round: Tue 1 Dec 2026, 09:00" in reply
    assert "last 6 rounds" in reply


def test_pairing_settings_left_out_keep_their_defaults_then_their_values(buddy: Buddy) -> None:
    assert "every week, in pairs, Mondays 10:00 (UTC)" in organise(buddy)
    reply = organise(buddy, "pairing on groups of 4 window 8")
    assert "every week, in groups of 4, Mondays 10:00 (UTC)" in reply
    assert "last 8 rounds" in reply
    assert "Next round: Mon 30 Nov 2026, 10:00" in reply


@pytest.mark.parametrize("text", ["pairing on", "pairing off", "pairing now"])
def test_only_organisers_run_pairing(buddy: Buddy, text: str) -> None:
    reply = buddy.refused(text, channel=GENERAL, is_organiser=False)
    assert "Only this channel's organisers" in reply


@pytest.mark.parametrize("text", ["pairing on", "join", "leave", "pause 2 weeks"])
def test_pairing_lives_in_a_channel(buddy: Buddy, text: str) -> None:
    assert "works in a channel" in buddy.refused(text, is_organiser=True)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("pairing on every 3 weeks", "every 1, 2 or 4 weeks, not every 3"),
        ("pairing on groups of 5", "Groups can be of 2 to 4 people, not 5"),
        ("pairing on groups of many", "I need a number for the group size"),
        ("pairing on at teatime", "teatime"),
        ("pairing on in Mars/Olympus", "Mars/Olympus"),
        ("pairing on sometimes", "I didn't understand “sometimes”"),
        ("pairing on window 0", "The window is 1 to 52 rounds"),
        ("pairing off now", "pairing off takes nothing more"),
        ("pairing maybe", "pairing is on, off or now"),
    ],
)
def test_unreadable_pairing_settings_are_refused_and_change_nothing(
    buddy: Buddy, text: str, says: str
) -> None:
    assert says in buddy.refused(text, channel=GENERAL, is_organiser=True)


def test_pairing_off_stops_the_rounds_and_keeps_who_joined(channel: Buddy) -> None:
    assert organise(channel, "pairing off").startswith("Pairing is off in #general.")
    assert "Pairing isn't on" in channel.refused("pairing off", channel=GENERAL, is_organiser=True)
    channel.clock.set(FIRST_ROUND + timedelta(minutes=1))
    tick(channel)
    assert groups(channel) == []
    organise(channel, "pairing on")
    assert in_channel(channel, "join", by=ALICE).startswith("You're already in.")


def test_pairing_alone_shows_the_schedule_and_whether_you_take_part(channel: Buddy) -> None:
    reply = in_channel(channel, "pairing", by=ALICE)
    assert "Pairing in #general: every week, in pairs, Mondays 10:00 (UTC)." in reply
    assert "You take part." in reply
    in_channel(channel, "leave", by=ALICE)
    assert "You don't take part right now" in in_channel(channel, "pairing", by=ALICE)


# --- members ------------------------------------------------------------------------------------


def test_joining_needs_pairing_to_be_on_here(buddy: Buddy) -> None:
    reply = buddy.refused("join", channel=GENERAL)
    assert "Pairing isn't on in #CGENERAL." in reply


def test_join_leave_and_pause(buddy: Buddy) -> None:
    organise(buddy)
    reply = in_channel(buddy, "join", by=ALICE)
    assert reply.startswith("🙌 You're in pairing in #general. Next round: Mon 30 Nov 2026")
    assert "heads-up the day before" in reply
    assert in_channel(buddy, "join", by=ALICE).startswith("You're already in.")
    reply = in_channel(buddy, "pause until december 20", by=ALICE)
    assert reply.startswith("😴 Paused in #CGENERAL until Sun 20 Dec 2026")
    assert in_channel(buddy, "leave", by=ALICE).startswith("You've left pairing in #CGENERAL.")
    assert "You're not taking part" in buddy.refused("leave", channel=GENERAL)
    assert "You're not taking part" in buddy.refused("pause 2 weeks", channel=GENERAL)


# --- the heads-up and the round -------------------------------------------------------------


def test_the_day_before_each_member_gets_a_heads_up_with_a_skip_button(channel: Buddy) -> None:
    channel.clock.set(FIRST_ROUND - timedelta(days=1, minutes=1))
    tick(channel)
    assert all(dms(channel, m) == [] for m in EVERYONE)
    channel.clock.advance(timedelta(minutes=1))
    tick(channel)
    tick(channel)
    for member in EVERYONE:
        [row] = dms(channel, member)
        assert isinstance(row.effect, DirectMessage)
        assert (
            "🍽️ Pairing round in #general Mon 30 Nov 2026, 10:00" in row.effect.message.plain_text()
        )
        [skip] = row.effect.message.choices
        assert (skip.label, skip.action) == ("Skip this round", ACTION_SKIP_ROUND)


def test_skipping_sits_out_that_round_only(channel: Buddy) -> None:
    channel.clock.set(FIRST_ROUND - timedelta(days=1))
    tick(channel)
    [row] = dms(channel, EVE)
    payload = row.effect.message.choices[0].payload
    reply = channel.press(ACTION_SKIP_ROUND, payload, by=EVE).plain_text()
    assert reply == "OK, you'll sit this round out in #CGENERAL. See you next time!"

    channel.clock.set(FIRST_ROUND)
    tick(channel)
    assert EVE not in set().union(*grouped(channel))
    assert "already begun" in channel.press(ACTION_SKIP_ROUND, payload, by=EVE).plain_text()

    channel.clock.set(FIRST_ROUND + timedelta(weeks=1))
    tick(channel)
    assert EVE in set().union(*grouped(channel)[2:])


def test_a_round_puts_everyone_taking_part_in_exactly_one_group_told_privately(
    channel: Buddy,
) -> None:
    in_channel(channel, "leave", by=DAN)
    channel.clock.set(FIRST_ROUND)
    tick(channel)

    made = grouped(channel)
    assert sorted(len(g) for g in made) == [2, 2]  # four take part: two pairs
    assert set().union(*made) == {ALICE, BOB, CAROL, EVE}
    for group in groups(channel):
        assert group.channel == GENERAL
        text = group.message.plain_text()
        assert text.startswith("🍽️ Pairing round 1 in #CGENERAL: ")
        assert "you're meeting this time!" in text
        assert "Ice-breaker: " in text
        # the one date format: "Thu 3 Dec 2026, 15:00 UTC", as every other message
        assert re.search(r"Suggested time: \w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC \(", text)
        assert "'s expertise”" in text  # each one's profile, as context


def test_a_pairing_group_gets_a_pairing_title_not_the_introductions_one(
    channel: Buddy,
) -> None:
    channel.clock.set(FIRST_ROUND)
    tick(channel)

    titles = {group.title for group in groups(channel)}
    assert titles == {PAIRING_GROUP_TITLE}
    assert INTRODUCTIONS not in titles


def test_an_odd_count_makes_one_group_of_three(channel: Buddy) -> None:
    channel.clock.set(FIRST_ROUND)
    tick(channel)
    assert sorted(len(g) for g in grouped(channel)) == [2, 3]


def test_paused_and_departed_members_sit_rounds_out_until_they_are_back(channel: Buddy) -> None:
    in_channel(channel, "pause until december 2", by=ALICE)
    in_channel(channel, "leave", by=BOB)
    channel.clock.set(FIRST_ROUND)
    tick(channel)
    assert set().union(*grouped(channel)) == {CAROL, DAN, EVE}
    channel.clock.set(FIRST_ROUND + timedelta(weeks=1))
    tick(channel)
    assert set().union(*grouped(channel)[1:]) == {ALICE, CAROL, DAN, EVE}


def test_nobody_meets_the_same_person_again_while_that_can_be_helped(buddy: Buddy) -> None:
    organise(buddy)
    for member in (ALICE, BOB, CAROL, DAN):
        in_channel(buddy, "join", by=member)
    seen: list[frozenset[Member]] = []
    for _ in range(3):  # four people have exactly three repeat-free rounds of pairs
        organise(buddy, "pairing now")
    for group in groups(buddy):
        seen.append(frozenset(group.members))
    assert len(seen) == len(set(seen)) == 6


def test_blocked_members_are_never_grouped(buddy: Buddy) -> None:
    organise(buddy)
    for member in (ALICE, BOB, CAROL):
        in_channel(buddy, "join", by=member)
    buddy.say("block <@UBOB>", by=ALICE)
    for _ in range(6):
        organise(buddy, "pairing now")
    for group in grouped(buddy):
        assert {ALICE, BOB} - group, group


def test_a_block_leaves_nobody_out_when_smaller_groups_include_everyone(buddy: Buddy) -> None:
    organise(buddy, "pairing on groups of 3")
    for member in (ALICE, BOB, CAROL, DAN):
        in_channel(buddy, "join", by=member)
    buddy.say("block <@UBOB>", by=ALICE)
    organise(buddy, "pairing now")
    made = grouped(buddy)
    assert sorted(len(g) for g in made) == [2, 2]  # four can't be one group: two pairs instead
    assert set().union(*made) == {ALICE, BOB, CAROL, DAN}
    assert all({ALICE, BOB} - group for group in made)
    assert not any(
        "couldn't find you a group" in r.effect.message.plain_text()
        for r in buddy.store.outbox
        if isinstance(r.effect, DirectMessage)
    )


def test_someone_a_block_leaves_out_is_told_kindly_and_nothing_more(buddy: Buddy) -> None:
    organise(buddy)
    for member in (ALICE, BOB):
        in_channel(buddy, "join", by=member)
    buddy.say("block <@UBOB>", by=ALICE)
    reply = buddy.refused("pairing now", channel=GENERAL, is_organiser=True)
    assert "Not enough members take part here yet" in reply
    in_channel(buddy, "join", by=CAROL)
    organise(buddy, "pairing now")
    [pair] = grouped(buddy)
    [left_out] = {ALICE, BOB} - pair
    assert left_out == ALICE  # the blocker sits it out: Bob sees what Alice's pause would show
    [note] = dms(buddy, left_out)
    assert note.effect.message.plain_text() == (
        "I couldn't find you a group in #CGENERAL this round, sorry — there'll be another one soon."
    )


def test_a_round_more_than_a_day_late_is_skipped_and_the_next_one_planned(
    channel: Buddy,
) -> None:
    channel.clock.set(FIRST_ROUND + timedelta(days=2))
    tick(channel)
    assert groups(channel) == []
    pairing = channel.store.state.pairing_channels
    [settings] = pairing.values()
    assert settings.next_round_at == FIRST_ROUND + timedelta(weeks=1)


# --- the check-in, meetings, silence ------------------------------------------------------------


def test_halfway_through_each_member_is_asked_did_you_meet(channel: Buddy) -> None:
    channel.clock.set(FIRST_ROUND)
    tick(channel)
    channel.clock.set(FIRST_ROUND + timedelta(days=3, hours=11, minutes=59))
    tick(channel)
    assert not any("Did you meet" in r.effect.message.plain_text() for r in channel.store.outbox)
    channel.clock.set(FIRST_ROUND + timedelta(days=3, hours=12))
    tick(channel)
    for member in EVERYONE:
        [checkin] = [r for r in dms(channel, member) if ":checkin:" in r.key]
        assert "👋 Did you meet with @" in checkin.effect.message.plain_text()
        assert "(paired in #CGENERAL)?" in checkin.effect.message.plain_text()
        actions = [c.action for c in checkin.effect.message.choices]
        assert actions == [ACTION_MET, ACTION_NOT_YET, ACTION_SKIP_CHECKIN]


def checkin_payload(buddy: Buddy, member: Member) -> str:
    [checkin] = [r for r in dms(buddy, member) if ":checkin:" in r.key]
    return checkin.effect.message.choices[0].payload


def test_a_confirmed_meeting_becomes_a_met_in_each_members_contacts(channel: Buddy) -> None:
    channel.clock.set(FIRST_ROUND)
    tick(channel)
    channel.clock.advance(timedelta(days=4))
    tick(channel)
    [group] = [g for g in grouped(channel) if ALICE in g]
    reply = channel.press(ACTION_MET, checkin_payload(channel, ALICE), by=ALICE).plain_text()
    assert reply.startswith("🎉 Wonderful! It's in your people now, “paired in #general”.")
    for member in group:
        people = channel.say("people", by=member)
        for other in group - {member}:
            assert f"@{other.user_id} — met" in people
        # The channel's name, as members know it: never the platform's id for it.
        assert "paired in #general" in people and "CGENERAL" not in people
    # A second yes from the group logs nothing twice.
    other = next(iter(group - {ALICE}))
    channel.press(ACTION_MET, checkin_payload(channel, other), by=other)
    assert len(channel.store.rows("meetings", ALICE)) == len(group) - 1


def test_not_yet_and_skip_are_noted_without_a_meeting(channel: Buddy) -> None:
    channel.clock.set(FIRST_ROUND)
    tick(channel)
    channel.clock.advance(timedelta(days=4))
    tick(channel)
    payload = checkin_payload(channel, ALICE)
    assert "No rush" in channel.press(ACTION_NOT_YET, payload, by=ALICE).plain_text()
    assert "OK, noted." in channel.press(ACTION_SKIP_CHECKIN, payload, by=ALICE).plain_text()
    assert channel.store.rows("meetings", ALICE) == []
    outsider = next(m for m in EVERYONE if m not in next(g for g in grouped(channel) if ALICE in g))
    reply = channel.press(ACTION_MET, payload, by=outsider).plain_text()
    assert reply == "⚠️ I couldn't find that pairing among yours."


def test_a_meeting_in_a_channel_the_platform_did_not_name_saves_no_channel_id(
    buddy: Buddy,
) -> None:
    organise(buddy, channel_name="")
    for member in (ALICE, BOB):
        in_channel(buddy, "join", by=member)
    buddy.clock.set(FIRST_ROUND)
    tick(buddy)
    buddy.clock.advance(timedelta(days=4))
    tick(buddy)

    buddy.press(ACTION_MET, checkin_payload(buddy, ALICE), by=ALICE)

    people = buddy.say("people", by=ALICE)
    assert "@UBOB — met" in people
    assert "paired in a pairing round" in people and "CGENERAL" not in people


def test_a_member_silent_for_three_rounds_is_paused_and_told_how_to_come_back(
    channel: Buddy,
) -> None:
    for week in range(3):
        channel.clock.set(FIRST_ROUND + timedelta(weeks=week))
        tick(channel)
        channel.clock.advance(timedelta(days=4))
        tick(channel)
        for member in EVERYONE[:-1]:  # everyone answers but Eve
            channel.press(
                ACTION_NOT_YET, checkin_payload_of_round(channel, member, week), by=member
            )
    channel.clock.set(FIRST_ROUND + timedelta(weeks=3))
    tick(channel)

    [paused] = [r for r in dms(channel, EVE) if ":paused:" in r.key]
    text = paused.effect.message.plain_text()
    assert "I haven't heard from you for 3 pairing rounds in #CGENERAL" in text
    assert "Type join in #CGENERAL" in text
    assert EVE not in set().union(*grouped(channel)[-2:])
    [eve] = [m for m in channel.store.state.pairing_members.values() if m.member == EVE]
    assert eve.state is MembershipState.PAUSED
    in_channel(channel, "join", by=EVE)
    channel.clock.set(FIRST_ROUND + timedelta(weeks=4))
    tick(channel)
    assert EVE in set().union(*grouped(channel)[-2:])


def checkin_payload_of_round(buddy: Buddy, member: Member, week: int) -> str:
    rows = [r for r in dms(buddy, member) if ":checkin:" in r.key]
    return rows[week].effect.message.choices[0].payload


# --- organisers' numbers ------------------------------------------------------------------------


def test_organisers_get_a_round_summary_with_numbers_only(channel: Buddy) -> None:
    channel.clock.set(FIRST_ROUND)
    tick(channel)
    channel.clock.advance(timedelta(days=4))
    tick(channel)
    channel.press(ACTION_MET, checkin_payload(channel, ALICE), by=ALICE)
    channel.clock.set(FIRST_ROUND + timedelta(weeks=1))
    tick(channel)

    summaries = [r for r in dms(channel, CAROL) if r.key.endswith(":summary")]
    first, second = (r.effect.message.plain_text() for r in summaries)
    assert first == (
        "📊 Pairing round 1 in #general:\n• Groups made: 2, for 5 members taking part."
    )
    assert "• Last round's meet-rate: 1 of 2 groups met (50%)." in second
    for row in summaries:
        assert not row.effect.message.plain_text().count("@")  # no member is named


def test_stats_shows_organisers_the_meet_rates_of_recent_rounds(channel: Buddy) -> None:
    channel.clock.set(FIRST_ROUND)
    tick(channel)
    channel.clock.advance(timedelta(days=4))
    tick(channel)
    channel.press(ACTION_MET, checkin_payload(channel, ALICE), by=ALICE)
    for member in EVERYONE:
        if member not in next(g for g in grouped(channel) if ALICE in g):
            channel.press(ACTION_NOT_YET, checkin_payload(channel, member), by=member)
    stats = channel.say("stats", by=CAROL, channel=GENERAL, is_organiser=True)
    assert "Pairing meet-rates in #CGENERAL:\n• Round 1: 1 of 2 groups met (50%)" in stats
    assert "meet-rates" not in channel.say("stats", by=ALICE, channel=GENERAL)


def test_a_round_still_awaiting_check_in_answers_counts_in_no_meet_rate(channel: Buddy) -> None:
    def stats() -> str:
        return channel.say("stats", by=CAROL, channel=GENERAL, is_organiser=True)

    channel.clock.set(FIRST_ROUND)
    tick(channel)
    assert "• Round 1: awaiting answers" in stats()  # nobody has been asked yet
    channel.clock.advance(timedelta(days=4))
    tick(channel)
    alices, others = sorted(grouped(channel), key=lambda g: ALICE not in g)
    channel.press(ACTION_NOT_YET, checkin_payload(channel, ALICE), by=ALICE)
    assert "• Round 1: awaiting answers" in stats()  # Alice's group-mates may still say yes
    for member in others:
        channel.press(ACTION_NOT_YET, checkin_payload(channel, member), by=member)
    assert "• Round 1: awaiting answers" in stats()
    [mate, *_] = sorted(alices - {ALICE}, key=lambda m: m.user_id)
    channel.press(ACTION_MET, checkin_payload(channel, mate), by=mate)
    assert "• Round 1: 1 of 2 groups met (50%)" in stats()  # every group has answered

    channel.clock.set(FIRST_ROUND + timedelta(weeks=1))
    tick(channel)
    channel.clock.set(FIRST_ROUND + timedelta(weeks=2))
    tick(channel)  # round 2's check-ins went unanswered and expired when round 3 began
    lines = stats().splitlines()
    assert lines[-3:] == [
        "• Round 3: awaiting answers",
        "• Round 2: 0 of 2 groups met (0%)",
        "• Round 1: 1 of 2 groups met (50%)",
    ]


def test_pairing_now_starts_a_round_at_once_and_keeps_the_schedule(channel: Buddy) -> None:
    reply = organise(channel, "pairing now")
    assert reply.startswith("🍽️ Round 1 started: 2 groups, each told privately.")
    assert len(groups(channel)) == 2
    [settings] = channel.store.state.pairing_channels.values()
    assert settings.next_round_at == FIRST_ROUND


def test_every_pair_in_a_group_is_a_pair_of_members_who_joined(channel: Buddy) -> None:
    organise(channel, "pairing now")
    for group in grouped(channel):
        for a, b in combinations(group, 2):
            assert a != b and {a, b} <= set(EVERYONE)
