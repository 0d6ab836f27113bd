"""Every table the migrations manage, gathered from the modules that define them."""

from __future__ import annotations

from sqlalchemy import MetaData

import bot.store.event_followup_models  # who attendees met, suggested pairs
import bot.store.event_models  # events, answers, anchored posts
import bot.store.pairing_models  # intros, blocks, pairing
import bot.store.slack  # noqa: F401  (slack_events)
from bot.store.models import Base


def full_metadata() -> MetaData:
    """Every table the migrations manage, including those defined beside the adapter using them."""
    return Base.metadata
