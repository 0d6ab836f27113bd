"""Everything the bot sends by itself, one `DueJob` per kind, for the ticker to run."""

from __future__ import annotations

from bot.commands.jobs.digest import WeeklyDigest
from bot.commands.jobs.event_followups import EventSuggestions, WhoDidYouMeet
from bot.commands.jobs.events import EventReminders
from bot.commands.jobs.follow_ups import FollowUps
from bot.commands.jobs.intros import IntroNotices
from bot.commands.jobs.keep_in_touch import KeepInTouch
from bot.commands.jobs.pairing import PairingCheckIns, PairingHeadsUps, PairingRounds
from bot.commands.jobs.prompts import ChannelPrompts
from bot.commands.jobs.reminders import HeadsUps, PromiseReminders
from bot.commands.jobs.retention import OutboxRetention
from bot.core.policy import Policy
from bot.core.ports import DueJob


def default_jobs(policy: Policy) -> list[DueJob]:
    """Every kind of due work; each runs in its own transactions, in this order."""
    return [
        HeadsUps(),
        PromiseReminders(),
        FollowUps(),
        KeepInTouch(),
        WeeklyDigest(policy),
        ChannelPrompts(),
        IntroNotices(),
        PairingHeadsUps(),
        PairingRounds(),
        PairingCheckIns(),
        EventReminders(),
        EventSuggestions(),
        WhoDidYouMeet(),
        OutboxRetention(policy),
    ]


__all__ = [
    "ChannelPrompts",
    "EventReminders",
    "EventSuggestions",
    "FollowUps",
    "HeadsUps",
    "IntroNotices",
    "KeepInTouch",
    "OutboxRetention",
    "PairingCheckIns",
    "PairingHeadsUps",
    "PairingRounds",
    "PromiseReminders",
    "WeeklyDigest",
    "WhoDidYouMeet",
    "default_jobs",
]
