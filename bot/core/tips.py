"""Practical tips by topic (written in tips.toml), which one a member gets when, and the
give-first thread starters for channels."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from importlib import resources

from bot.core.identity import Member
from bot.core.message import CommandRef, Inline


class Topic(StrEnum):
    FIRST_MEETING = "first meeting"
    FOLLOW_UP = "follow up"
    GIVE = "give"
    ASK = "ask"


@dataclass(frozen=True)
class Tip:
    topic: Topic
    text: tuple[Inline, ...]


_COMMAND = re.compile(r"\{([a-z-]+)\}")


def _parts(text: str) -> tuple[Inline, ...]:
    """ "… ({note}): …" as text and a command reference, which each platform renders its way."""
    pieces = _COMMAND.split(text)
    # re.split puts the captured names at the odd places.
    return tuple(
        CommandRef(piece) if index % 2 else piece for index, piece in enumerate(pieces) if piece
    )


def load_tips(source: str) -> tuple[Tip, ...]:
    """Every tip of a tips.toml text, in its order; an unknown topic is an error."""
    return tuple(
        Tip(Topic(topic), _parts(text))
        for topic, texts in tomllib.loads(source).items()
        for text in texts
    )


TIPS = load_tips(resources.files("bot.core").joinpath("tips.toml").read_text(encoding="utf-8"))


def tips_about(topic: Topic) -> tuple[Tip, ...]:
    return tuple(tip for tip in TIPS if tip.topic is topic)


def week_number(day: date) -> int:
    """Weeks since Monday 1 January of year 1: ISO weeks counted on, without a break at a new
    year (an ISO year has 52 or 53 weeks, so `year * 53 + week` would skip numbers)."""
    return (day.toordinal() - 1) // 7


def stable_number(*parts: object) -> int:
    """A number from `parts` that every process agrees on (unlike `hash`): tips and shuffles
    seeded from what a workspace itself holds, never from global ids, which would let one
    workspace's choices depend on the activity of others."""
    text = ":".join(str(part) for part in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def member_number(member: Member) -> int:
    """`stable_number` of who the member is."""
    return stable_number(member.platform.value, member.workspace_id, member.user_id)


def _rotation(tips: tuple[Tip, ...], member: Member, day: date) -> Tip:
    return tips[(week_number(day) + member_number(member)) % len(tips)]  # a start of their own


def digest_tip(member: Member, day: date) -> Tip:
    """The tip ending the member's digest of the week holding `day` (their local date): each
    week the next one in a rotation through every tip, from a start of their own. Weeks in a
    row give different tips until the rotation comes round, so no storage is needed for "not
    the same tip again within eight weeks" (tested for any start week and member)."""
    return _rotation(TIPS, member, day)


def handful(member: Member, day: date) -> tuple[Tip, ...]:
    """One tip per topic, changing week to week."""
    return tuple(_rotation(tips_about(topic), member, day) for topic in Topic)


def first_meeting_tip(seed: int) -> Tip:
    """A first-meeting tip for a group or an introduction (`seed`: a `stable_number` of what
    it is, so a retry agrees)."""
    tips = tips_about(Topic.FIRST_MEETING)
    return tips[seed % len(tips)]


PROMPTS: tuple[str, ...] = (
    "🌱 Give-first thread: what small thing could you do for someone here this week? "
    "A link, a review, an intro — offer it in the thread.",
    "🌱 Give-first thread: share one resource that helped you lately, and who it could help.",
    "🌱 Give-first thread: is anyone here stuck on something you know? Offer an hour, a pointer, "
    "or a pair of eyes.",
    "🌱 Give-first thread: found a broken link, a typo, or a confusing doc in a member's project? "
    "Tell them kindly — it's a gift.",
    "🌱 Give-first thread: who could you introduce to whom? Offer it here (with both sides' yes).",
)


def _week_index(moment: datetime) -> int:
    year, week, _ = moment.isocalendar()
    return year * 53 + week


def prompt_for(moment: datetime) -> str:
    return PROMPTS[_week_index(moment) % len(PROMPTS)]
