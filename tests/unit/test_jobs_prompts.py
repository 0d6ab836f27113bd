"""Organisers' weekly give-first prompts in a channel, and the give-first check of `ask`."""

from __future__ import annotations

from datetime import timedelta

from bot.commands.ledger import ACTION_POST_ANYWAY
from bot.core.effects import ChannelPost
from bot.core.message import Mention, Paragraph, UserText
from tests.unit.harness import ALICE, BOB, GENERAL, Buddy
from tests.unit.jobs_harness import paris, timeline

ORGANISER = {"channel": GENERAL, "is_organiser": True}


async def test_an_organiser_turns_on_a_weekly_give_first_thread(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("settings timezone Europe/Paris")
    reply = buddy.say("prompts on weekly on wednesday", **ORGANISER)
    assert reply.splitlines() == [
        "🌱 Give-first prompts are on in this channel: every Wednesday at 10:00 (Europe/Paris), "
        "a thread inviting members to offer help.",
        "The first: Wed 2 Dec 2026, 10:00 Europe/Paris (in 6 days).",
    ]
    await bot.at(paris(2026, 12, 2, 9, 59))
    assert bot.new_posts(GENERAL) == []
    await bot.at(paris(2026, 12, 2, 10, 0))
    [post] = bot.new_posts(GENERAL)
    assert post.plain_text().startswith("🌱 Give-first thread:")
    await bot.tick()
    await bot.at(paris(2026, 12, 9, 10, 0))
    [again] = bot.new_posts(GENERAL)
    assert again.plain_text() != post.plain_text()  # a different starter each week


async def test_prompts_off_stops_the_weekly_thread(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("prompts on", **ORGANISER)  # Mondays by default
    assert buddy.say("prompts", channel=GENERAL) == (
        "Give-first prompts are on here: every Monday."
    )
    assert buddy.say("prompts off", **ORGANISER) == "Give-first prompts are off in this channel."
    await bot.after(timedelta(days=14))
    assert bot.new_posts(GENERAL) == []


async def test_a_prompt_more_than_a_day_late_is_skipped(buddy: Buddy) -> None:
    bot = timeline(buddy)
    buddy.say("prompts on monday", **ORGANISER)
    await bot.at(paris(2026, 12, 1, 12, 0))  # Tuesday noon UTC+1: 26 hours late
    assert bot.new_posts(GENERAL) == []
    await bot.at(paris(2026, 12, 7, 11, 0))
    assert len(bot.new_posts(GENERAL)) == 1


def test_only_organisers_may_turn_prompts_on_or_off(buddy: Buddy) -> None:
    reply = buddy.refused("prompts on", channel=GENERAL, is_organiser=False)
    assert "Only this channel's organisers can turn give-first prompts on or off." in reply
    buddy.say("prompts on", **ORGANISER)
    buddy.refused("prompts off", channel=GENERAL, is_organiser=False)


def test_prompts_work_in_a_channel_not_a_direct_message(buddy: Buddy) -> None:
    assert "works in a channel" in buddy.refused("prompts on", is_organiser=True)


def test_a_bad_prompts_setting_is_refused_kindly(buddy: Buddy) -> None:
    assert "prompts is on or off" in buddy.refused("prompts maybe", **ORGANISER)
    assert "day of the week" in buddy.refused("prompts on weekly on funday", **ORGANISER)


# --- give before you ask ------------------------------------------------------------------------


def channel_posts(buddy: Buddy) -> list[str]:
    return [
        row.effect.message.plain_text()
        for row in buddy.store.outbox
        if isinstance(row.effect, ChannelPost) and row.effect.channel == GENERAL
    ]


def test_an_ask_without_a_recent_give_suggests_gives_first(buddy: Buddy) -> None:
    buddy.say("offer code reviews in Rust")
    buddy.say("looking-for someone to review my Rust crate", by=BOB)
    buddy.say("met <@USAM> at PyCon")
    reply = buddy.run("ask an intro to a makerspace", channel=GENERAL)
    assert reply.plain_text().splitlines() == [
        "📣 Noted your ask: “an intro to a makerspace”.",
        "You haven't logged a give in the last 30 days, and giving first makes asking easier. "
        "Some gives you could make now:",
        "• @UBOB is looking for “someone to review my Rust crate” — and you offer “code reviews "
        "in Rust”. A short note could make their week.",
        "• @USAM: you met Thu 26 Nov, at PyCon. A link, an intro or a thank-you would do.",
        "Log one with give @person what you gave.",
        "Or post your ask now anyway.",
    ]
    assert [c.label for c in reply.choices] == ["Post anyway"]
    assert channel_posts(buddy) == []


def test_post_anyway_posts_the_ask_once_where_it_was_made(buddy: Buddy) -> None:
    buddy.say("offer intros to Lisbon founders")
    reply = buddy.run("ask an intro to a makerspace", channel=GENERAL)
    post = reply.choices[0]
    assert post.action == ACTION_POST_ANYWAY
    assert buddy.press(post.action, post.payload, channel=GENERAL).plain_text() == (
        "📣 Posted your ask: “an intro to a makerspace”."
    )
    buddy.press(post.action, post.payload, channel=GENERAL)
    assert channel_posts(buddy) == [
        "@UALICE asks: “an intro to a makerspace” — they offer: “intros to Lisbon founders”\n"
        "Can you help? Reply in a thread — and log it with give."
    ]


def test_someone_else_cannot_post_your_ask(buddy: Buddy) -> None:
    reply = buddy.run("ask an intro to a makerspace", channel=GENERAL)
    post = reply.choices[0]
    pressed = buddy.press(post.action, post.payload, by=BOB, channel=GENERAL)
    assert "couldn't find that ask" in pressed.plain_text()
    assert channel_posts(buddy) == []


def test_an_ask_after_a_recent_give_is_posted_to_the_channel_at_once(buddy: Buddy) -> None:
    buddy.say("give <@USAM> a pointer to the asyncio docs")
    reply = buddy.say("ask a review of my CV", channel=GENERAL)
    assert reply == "📣 Posted your ask in this channel: “a review of my CV”."
    assert channel_posts(buddy) == [
        "@UALICE asks: “a review of my CV”\nCan you help? Reply in a thread — and log it with give."
    ]


def test_an_ask_in_a_direct_message_is_kept_and_not_posted(buddy: Buddy) -> None:
    buddy.say("give <@USAM> a pointer to the asyncio docs")
    assert buddy.say("ask a review of my CV").splitlines() == [
        "📣 Noted your ask: “a review of my CV”.",
        "To post it for the community, run the same ask in a channel.",
    ]
    reply = buddy.run("ask a second review")  # no give check passes without a channel either
    assert reply.choices == ()
    assert buddy.store.outbox == []


def test_a_give_older_than_the_window_does_not_count(buddy: Buddy) -> None:
    buddy.say("give <@USAM> a pointer to the asyncio docs")
    buddy.clock.advance(timedelta(days=31))
    assert "You haven't logged a give" in buddy.say("ask a review", channel=GENERAL)


def test_an_asked_text_never_pings_the_channel(buddy: Buddy) -> None:
    buddy.say("give <@USAM> a link")
    buddy.say("ask @channel <!everyone> help", channel=GENERAL)
    [row] = [r for r in buddy.store.outbox if isinstance(r.effect, ChannelPost)]
    assert isinstance(row.effect, ChannelPost)
    first = row.effect.message.blocks[0]
    assert isinstance(first, Paragraph)
    assert first.parts[0] == Mention(ALICE)  # the one intended mention
    typed = [part.text for part in first.parts if isinstance(part, UserText)]
    assert typed == ["@channel <!everyone> help"]  # shown as text by every adapter
