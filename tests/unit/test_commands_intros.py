"""`intro`, its Accept / Decline buttons, and `block`: consent first, and no decline ever shown.

Every test here ends by reading every message the bot queued, to anyone: none may reveal a
decline, a block, or anyone's intros setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import time, timedelta

import pytest

from bot.commands.common import meeting_context
from bot.commands.intros import ACTION_ACCEPT, ACTION_DECLINE
from bot.commands.jobs.intros import IntroNotices
from bot.core.effects import INTRODUCTIONS, DirectMessage, GroupIntro
from bot.core.identity import Member
from bot.core.message import Mention, Message, UserText
from bot.core.records import IntroStatus, Meeting
from tests.fakes import OutboxRow
from tests.unit.harness import ALICE, ALICE_IN_T2, BOB, CAROL, GENERAL, NOW, Buddy

# Carol introduces Alice and Bob, in #general.
INTRO = "intro <@UALICE> <@UBOB> you both organise Rust meetups"
WEEK = timedelta(days=7)
REVEALING = re.compile(
    r"declin|block|said no|turned down|refus|reject|not open|intros (?:on|off)|paused|"
    r"never used|doesn't want|don't want|unavailable",
    re.IGNORECASE,
)


def reveals_something(msg: Message) -> bool:
    """Any word that could tell of a decline, a block or a setting (buttons aside)."""
    return bool(REVEALING.search(msg.plain_text()))


@pytest.fixture(autouse=True)
def every_message_keeps_the_secrets(buddy: Buddy) -> Iterator[None]:
    yield
    for row in buddy.store.outbox:
        assert not reveals_something(row.effect.message), row.effect.message.plain_text()


def set_up(buddy: Buddy, *members: Member) -> None:
    """Members who have used the bot, with something in their profile."""
    for member in members:
        buddy.say(f"offer help with {member.user_id[1:].lower()}'s favourite topic", by=member)
        buddy.say("looking-for a co-organiser", by=member)


@pytest.fixture
def asked(buddy: Buddy) -> int:
    """Alice and Bob use the bot; Carol has asked to introduce them. The intro's id."""
    set_up(buddy, ALICE, BOB, CAROL)
    reply = buddy.say(INTRO, by=CAROL, channel=GENERAL)
    assert reply.startswith("🤝"), reply
    [intro] = buddy.store.state.intros.values()
    return intro.id


def sent_to(buddy: Buddy, member: Member) -> list[OutboxRow]:
    return [row for row in buddy.store.outbox if member in _recipients(row)]


def _recipients(row: OutboxRow) -> tuple[Member, ...]:
    effect = row.effect
    if isinstance(effect, DirectMessage):
        return (effect.to,)
    if isinstance(effect, GroupIntro):
        return effect.members
    return ()


def tick(buddy: Buddy) -> None:
    with buddy.store() as uow:
        IntroNotices().run(uow, now=buddy.clock.now(), limit=100)
        uow.commit()


def text_of(row: OutboxRow) -> str:
    return row.effect.message.plain_text()


# --- the ask ----------------------------------------------------------------------------------


def test_each_side_is_asked_privately_with_the_reason_and_what_the_other_offers(
    buddy: Buddy, asked: int
) -> None:
    [to_alice] = sent_to(buddy, ALICE)
    [to_bob] = sent_to(buddy, BOB)
    for row, other in ((to_alice, "@UBOB"), (to_bob, "@UALICE")):
        assert isinstance(row.effect, DirectMessage)
        text = text_of(row)
        assert f"@UCAROL would like to introduce you to {other}." in text
        assert "“you both organise Rust meetups”" in text
        assert f"{other} can help with: “help with {other[2:].lower()}'s favourite topic”" in text
        assert f"{other} is looking for: “a co-organiser”" in text
        labels = [(c.label, c.action, c.payload) for c in row.effect.message.choices]
        assert labels == [
            ("Accept", ACTION_ACCEPT, str(asked)),
            ("Decline", ACTION_DECLINE, str(asked)),
        ]


def test_the_introducer_learns_what_happens_next_and_gets_no_message_yet(
    buddy: Buddy,
) -> None:
    set_up(buddy, ALICE, BOB, CAROL)
    reply = buddy.say(INTRO, by=CAROL)
    assert "I'll ask @UALICE and @UBOB privately, if they take introductions through me." in reply
    assert "within a week that it didn't happen this time — never who or why" in reply
    assert sent_to(buddy, CAROL) == []


def test_the_ask_waits_for_the_end_of_each_sides_quiet_hours(buddy: Buddy) -> None:
    set_up(buddy, ALICE, BOB, CAROL)
    # 14:57 UTC: Bob's quiet hours (14:00–16:00 UTC) hold his ask until 16:00; Alice's go now.
    buddy.say("settings timezone UTC quiet 14:00-16:00", by=BOB)
    buddy.say(INTRO, by=CAROL)
    [to_alice], [to_bob] = sent_to(buddy, ALICE), sent_to(buddy, BOB)
    assert to_alice.not_before == buddy.clock.now()
    assert to_bob.not_before.time() == time(16, 0)


def test_the_intro_needs_a_reason(buddy: Buddy) -> None:
    set_up(buddy, ALICE, BOB, CAROL)
    reply = buddy.refused("intro <@UALICE> <@UBOB>", by=CAROL)
    assert "Tell me why they should meet." in reply


# --- both say yes -----------------------------------------------------------------------------


def test_when_both_accept_the_three_share_one_conversation_with_the_reason_and_context(
    buddy: Buddy, asked: int
) -> None:
    first = buddy.press(ACTION_ACCEPT, str(asked), by=BOB).plain_text()
    assert (
        first
        == "👍 Thanks! If @UALICE accepts too, I'll start a conversation for the three of you."
    )
    assert [r for r in buddy.store.outbox if isinstance(r.effect, GroupIntro)] == []

    second = buddy.press(ACTION_ACCEPT, str(asked), by=ALICE).plain_text()

    assert second.startswith("🎉 You both accepted")
    [group] = [r for r in buddy.store.outbox if isinstance(r.effect, GroupIntro)]
    assert isinstance(group.effect, GroupIntro)
    assert set(group.effect.members) == {CAROL, ALICE, BOB}
    assert group.effect.channel == GENERAL  # so Discord can open a private thread there
    assert group.effect.title == INTRODUCTIONS  # the thread's name there
    text = text_of(group)
    assert "@UALICE, meet @UBOB — introduced by @UCAROL." in text
    assert "Why: “you both organise Rust meetups”" in text
    assert "@UALICE can help with" in text and "@UBOB is looking for" in text
    assert buddy.store.state.intros[asked].status is IntroStatus.MADE


def test_when_both_accept_each_side_has_the_other_as_a_contact_introduced_by_the_introducer(
    buddy: Buddy, asked: int
) -> None:
    buddy.press(ACTION_ACCEPT, str(asked), by=ALICE)
    buddy.press(ACTION_ACCEPT, str(asked), by=BOB)

    alices = buddy.say("people", by=ALICE)
    assert "@UBOB — met" in alices
    assert "introduced by @UCAROL: you both organise Rust meetups" in alices
    assert "introduced by @UCAROL" in buddy.say("people", by=BOB)
    assert "@UALICE" in buddy.say("people", by=BOB)
    [exported] = buddy.export(by=ALICE)["meetings"]
    assert exported["context"] == "you both organise Rust meetups"
    assert exported["introduced_by"] == "UCAROL"
    # Like any `met`, it earns a follow-up nudge later on.
    [meeting] = buddy.store.rows("meetings", ALICE)
    assert meeting.follow_up_at == buddy.clock.now() + timedelta(days=3)
    # And nobody is told it "didn't happen" a week later: Carol only ever got the group.
    buddy.clock.advance(WEEK)
    tick(buddy)
    assert all(isinstance(r.effect, GroupIntro) for r in sent_to(buddy, CAROL))


def test_a_made_intro_adds_to_a_contact_the_side_already_had(buddy: Buddy, asked: int) -> None:
    buddy.say("met <@UBOB> at RustConf", by=ALICE)
    buddy.press(ACTION_ACCEPT, str(asked), by=ALICE)
    buddy.press(ACTION_ACCEPT, str(asked), by=BOB)
    assert len(buddy.store.rows("contacts", ALICE)) == 1
    assert len(buddy.store.rows("meetings", ALICE)) == 2


# --- a decline, or silence ----------------------------------------------------------------------


def test_a_decline_is_never_revealed_to_the_other_side_and_reaches_the_introducer_as_nothing_more(
    buddy: Buddy, asked: int
) -> None:
    before_bob = sent_to(buddy, BOB)
    reply = buddy.press(ACTION_DECLINE, str(asked), by=ALICE).plain_text()
    assert "Nobody will be told you said no" in reply

    # Bob accepting now reads exactly as if Alice were still thinking it over.
    bobs = buddy.press(ACTION_ACCEPT, str(asked), by=BOB).plain_text()
    assert (
        bobs == "👍 Thanks! If @UALICE accepts too, I'll start a conversation for the three of you."
    )
    assert sent_to(buddy, BOB) == before_bob
    assert sent_to(buddy, CAROL) == []  # not even the introducer, before the week is out

    buddy.clock.advance(WEEK)
    tick(buddy)
    [notice] = sent_to(buddy, CAROL)
    assert text_of(notice).startswith(
        "🌱 Your introduction of @UALICE and @UBOB didn't happen this time."
    )
    assert sent_to(buddy, BOB) == before_bob
    assert buddy.store.state.intros[asked].status is IntroStatus.DECLINED


def test_silence_for_a_week_reads_exactly_like_a_decline(buddy: Buddy) -> None:
    set_up(buddy, ALICE, BOB, CAROL)
    buddy.say(INTRO, by=CAROL)
    buddy.say("intro <@UALICE> <@UCAROL> same reason", by=BOB)
    [silent, declined] = sorted(buddy.store.state.intros)
    buddy.press(ACTION_DECLINE, str(declined), by=ALICE)

    buddy.clock.advance(WEEK - timedelta(minutes=1))
    tick(buddy)
    assert [len(sent_to(buddy, m)) for m in (CAROL, BOB)] == [1, 1]  # each one's ask only
    buddy.clock.advance(timedelta(minutes=1))
    tick(buddy)

    carols = [r for r in sent_to(buddy, CAROL) if "Your introduction" in text_of(r)]
    bobs = [r for r in sent_to(buddy, BOB) if "Your introduction" in text_of(r)]
    assert len(carols) == len(bobs) == 1
    same = text_of(carols[0]).replace("@UBOB", "@X").replace("@UCAROL", "@X")
    assert same == text_of(bobs[0]).replace("@UBOB", "@X").replace("@UCAROL", "@X")
    assert buddy.store.state.intros[silent].status is IntroStatus.EXPIRED


def test_the_week_end_notice_is_sent_once(buddy: Buddy, asked: int) -> None:
    buddy.clock.advance(WEEK)
    tick(buddy)
    tick(buddy)
    assert len(sent_to(buddy, CAROL)) == 1


def test_an_introducer_who_asked_to_be_forgotten_is_not_told(buddy: Buddy, asked: int) -> None:
    buddy.say("forget-me confirm", by=CAROL)
    buddy.clock.advance(WEEK)
    tick(buddy)
    assert sent_to(buddy, CAROL) == []


def test_answers_after_a_week_are_turned_away_kindly(buddy: Buddy, asked: int) -> None:
    buddy.clock.advance(WEEK)
    reply = buddy.press(ACTION_ACCEPT, str(asked), by=ALICE).plain_text()
    assert reply == "This introduction has lapsed: answers are open a week."


def test_a_second_answer_reads_like_the_first_and_either_may_change_their_mind(
    buddy: Buddy, asked: int
) -> None:
    first = buddy.press(ACTION_ACCEPT, str(asked), by=ALICE).plain_text()
    again = buddy.press(ACTION_ACCEPT, str(asked), by=ALICE).plain_text()
    assert again == first
    no = buddy.press(ACTION_DECLINE, str(asked), by=ALICE).plain_text()
    assert no.startswith("OK, no introduction.") and "Accept still works" in no
    assert buddy.press(ACTION_DECLINE, str(asked), by=ALICE).plain_text() == no
    buddy.press(ACTION_ACCEPT, str(asked), by=BOB)
    assert [r for r in buddy.store.outbox if isinstance(r.effect, GroupIntro)] == []
    # Alice's no becomes a yes within the week: the introduction is made after all.
    made = buddy.press(ACTION_ACCEPT, str(asked), by=ALICE).plain_text()
    assert made.startswith("🎉 You both accepted")
    assert buddy.store.state.intros[asked].status is IntroStatus.MADE
    later = buddy.press(ACTION_DECLINE, str(asked), by=BOB).plain_text()
    assert later == "You both accepted already: the conversation for the three of you is open."


@pytest.mark.parametrize("presser", [CAROL, ALICE_IN_T2], ids=["introducer", "other-workspace"])
def test_only_the_two_sides_can_press_the_buttons(
    buddy: Buddy, asked: int, presser: Member
) -> None:
    before = buddy.snapshot()
    reply = buddy.press(ACTION_ACCEPT, str(asked), by=presser).plain_text()
    assert reply == "⚠️ I couldn't find that introduction among yours."
    assert buddy.snapshot() == before


@pytest.mark.parametrize("payload", ["", "abc", "99", "1" * 30])
def test_a_broken_button_payload_is_answered_kindly(buddy: Buddy, payload: str) -> None:
    assert "couldn't find that introduction" in buddy.press(ACTION_ACCEPT, payload).plain_text()


# --- refusals -----------------------------------------------------------------------------------


def test_introducing_yourself_is_refused_kindly(buddy: Buddy) -> None:
    set_up(buddy, ALICE, CAROL)
    reply = buddy.refused("intro <@UCAROL> <@UALICE> why not", by=CAROL)
    assert "You can't introduce yourself" in reply


def test_someone_outside_the_community_cannot_be_introduced(buddy: Buddy) -> None:
    set_up(buddy, ALICE, CAROL)
    reply = buddy.refused('intro <@UALICE> "Ana Lima" both love maps', by=CAROL)
    assert "I can only introduce members of this community, and “Ana Lima” isn't one" in reply


def test_the_same_member_twice_is_refused(buddy: Buddy) -> None:
    set_up(buddy, ALICE, CAROL)
    assert "same person twice" in buddy.refused("intro <@UALICE> <@UALICE> hm", by=CAROL)


def withheld(buddy: Buddy) -> str:
    """Carol's intro, which the bot will not make: the reply of any intro, and nobody asked."""
    before = list(buddy.store.outbox)
    reply = buddy.say(INTRO, by=CAROL)
    assert buddy.store.outbox == before
    assert max(buddy.store.state.intros.values(), key=lambda i: i.id).withheld
    return reply


def clear_intros(buddy: Buddy) -> None:
    buddy.store.state.intros.clear()


def test_a_member_who_never_used_the_bot_is_never_messaged(buddy: Buddy) -> None:
    set_up(buddy, ALICE, CAROL)  # Bob never used the bot
    reply = withheld(buddy)
    assert reply.startswith("🤝 Thanks! I'll ask @UALICE and @UBOB privately")
    assert buddy.store.outbox == []


def test_every_private_reason_gets_the_words_of_any_intro_and_asks_nobody(buddy: Buddy) -> None:
    set_up(buddy, ALICE, BOB, CAROL)
    replies = {"asked": buddy.say(INTRO, by=CAROL)}
    clear_intros(buddy)
    buddy.say("settings intros off", by=BOB)
    replies["not open"] = withheld(buddy)
    clear_intros(buddy)
    buddy.say("settings intros on", by=BOB)
    buddy.say("block <@UALICE>", by=BOB)
    replies["bob blocked alice"] = withheld(buddy)
    clear_intros(buddy)
    buddy.say("unblock <@UALICE>", by=BOB)
    buddy.say("block <@UCAROL>", by=ALICE)
    replies["alice blocked the introducer"] = withheld(buddy)
    clear_intros(buddy)
    buddy.say("unblock <@UCAROL>", by=ALICE)
    profile = buddy.store.profile(ALICE)
    assert profile is not None
    with buddy.store() as uow:
        uow.profiles.save(
            replace(profile, paused_until=buddy.clock.now() + WEEK), now=buddy.clock.now()
        )
        uow.commit()
    replies["paused"] = withheld(buddy)
    assert len(buddy.store.outbox) == 2  # the first intro's two asks, and nothing since
    clear_intros(buddy)
    with buddy.store() as uow:
        uow.erase_member(BOB)  # erasing Bob also erases both asks: each names him
        uow.commit()
    replies["never used"] = withheld(buddy)

    assert len(set(replies.values())) == 1, replies
    assert buddy.store.outbox == []


def test_a_pair_you_introduced_in_the_last_90_days_is_not_introduced_again(
    buddy: Buddy, asked: int
) -> None:
    buddy.press(ACTION_DECLINE, str(asked), by=ALICE)
    buddy.clock.advance(timedelta(days=89))
    reply = buddy.refused("intro <@UBOB> <@UALICE> another try", by=CAROL)
    assert "You asked to introduce these two in the last 90 days" in reply
    buddy.clock.advance(timedelta(days=1, seconds=1))
    assert buddy.say("intro <@UBOB> <@UALICE> another try", by=CAROL).startswith("🤝")
    assert not buddy.store.state.intros[max(buddy.store.state.intros)].withheld


def test_a_pair_someone_else_introduced_lately_is_withheld_without_a_word(
    buddy: Buddy, asked: int
) -> None:
    set_up(buddy, Member(ALICE.platform, ALICE.workspace_id, "USAM"))
    reply = buddy.say(
        "intro <@UBOB> <@UALICE> another try", by=Member(ALICE.platform, "T1", "USAM")
    )
    assert reply.startswith("🤝 Thanks! I'll ask @UBOB and @UALICE privately")
    assert buddy.store.state.intros[max(buddy.store.state.intros)].withheld
    assert len(sent_to(buddy, ALICE)) == len(sent_to(buddy, BOB)) == 1  # Carol's ask only


def test_at_most_five_intros_wait_at_once_per_introducer(buddy: Buddy) -> None:
    others = [Member(ALICE.platform, ALICE.workspace_id, f"U{i}") for i in range(7)]
    set_up(buddy, CAROL, *others)
    for i in range(5):
        reply = buddy.say(f"intro <@U{i}> <@U{i + 1}> reason {i}", by=CAROL)
        assert reply.startswith("🤝"), reply
    reply = buddy.refused("intro <@U5> <@U6> one more", by=CAROL)
    assert "You have 5 introductions waiting for answers already." in reply
    # Settled ones free the way: a made intro at once, the others when the week is out.
    first = min(buddy.store.state.intros)
    buddy.press(ACTION_ACCEPT, str(first), by=others[0])
    buddy.press(ACTION_ACCEPT, str(first), by=others[1])
    assert buddy.say("intro <@U5> <@U6> one more", by=CAROL).startswith("🤝")


# --- blocks -------------------------------------------------------------------------------------


def test_a_block_is_confirmed_privately_and_the_blocked_member_hears_nothing(
    buddy: Buddy,
) -> None:
    set_up(buddy, ALICE, BOB)
    reply = buddy.say("block <@UBOB>", by=ALICE)
    assert reply.startswith("🔒 Done: I'll never introduce you to Bob or put you in a pairing")
    assert "They won't be told." in reply
    assert buddy.store.outbox == []
    assert buddy.say("block <@UBOB>", by=ALICE) == "You had already blocked Bob."


def test_blocking_ends_a_waiting_intro_as_a_silent_no(buddy: Buddy, asked: int) -> None:
    buddy.press(ACTION_ACCEPT, str(asked), by=BOB)
    buddy.say("block <@UBOB>", by=ALICE)
    assert buddy.store.state.intros[asked].status is IntroStatus.DECLINED
    buddy.press(ACTION_ACCEPT, str(asked), by=ALICE)  # a stale button: no intro
    assert [r for r in buddy.store.outbox if isinstance(r.effect, GroupIntro)] == []
    buddy.clock.advance(WEEK)
    tick(buddy)
    [notice] = sent_to(buddy, CAROL)
    assert text_of(notice).startswith("🌱 Your introduction of @UALICE and @UBOB")
    assert len(sent_to(buddy, BOB)) == 1  # only the ask


def test_unblocking_allows_intros_again(buddy: Buddy) -> None:
    set_up(buddy, ALICE, BOB, CAROL)
    buddy.say("block <@UBOB>", by=ALICE)
    assert buddy.say("unblock <@UBOB>", by=ALICE) == (
        "Unblocked Bob. They were never told either way."
    )
    assert buddy.say("unblock <@UBOB>", by=ALICE) == "You hadn't blocked Bob."
    assert buddy.say(INTRO, by=CAROL).startswith("🤝")


def test_only_members_can_be_blocked(buddy: Buddy) -> None:
    reply = buddy.refused('block "Ana Lima"')
    assert "Blocks are for members of this community" in reply


def test_blocking_yourself_is_refused(buddy: Buddy) -> None:
    assert "That's you!" in buddy.refused("block <@UALICE>")


def test_exports_show_each_member_only_their_own_answer_and_the_outcome_as_told(
    buddy: Buddy, asked: int
) -> None:
    buddy.press(ACTION_DECLINE, str(asked), by=ALICE)
    buddy.press(ACTION_ACCEPT, str(asked), by=BOB)

    [alices] = buddy.export(by=ALICE)["intros"]
    [bobs] = buddy.export(by=BOB)["intros"]
    [carols] = buddy.export(by=CAROL)["intros"]
    assert alices["your_answer"] == "declined"
    assert bobs["your_answer"] == "accepted"
    assert "your_answer" not in carols
    assert {alices["outcome"], bobs["outcome"], carols["outcome"]} == {"pending"}

    buddy.clock.advance(WEEK)
    tick(buddy)
    assert buddy.export(by=CAROL)["intros"][0]["outcome"] == "didn't happen"
    assert "declined" not in str(buddy.export(by=BOB)) + str(buddy.export(by=CAROL))


def test_a_meeting_an_older_version_logged_for_an_intro_is_shown_as_it_was_written() -> None:
    legacy = Meeting(
        id=1,
        owner=ALICE,
        contact_id=2,
        met_at=NOW,
        context="introduced by Carol: you both organise Rust meetups",
        follow_up_at=None,
        quoted_user_id="UCAROL",
    )
    assert meeting_context(legacy) == (UserText(legacy.context, by=CAROL),)
    assert meeting_context(replace(legacy, context="you both organise Rust meetups")) == (
        "introduced by ",
        Mention(CAROL),
        ": ",
        UserText("you both organise Rust meetups", by=CAROL),
    )
