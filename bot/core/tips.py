"""The practical tips the digest ends with, and the give-first thread starters for channels."""

from __future__ import annotations

from datetime import datetime

from bot.core.message import Text, command

TIPS: tuple[Text, ...] = (
    "Connect, don't collect: one real follow-up beats ten new contacts.",
    "Spotted a broken link or a typo on someone's site? Telling them kindly is a gift.",
    "Listen for what people are stuck on; the follow-up writes itself.",
    "Send the article you mentioned the same day, while the conversation is fresh.",
    "Small unasked help counts: a pointer to the right doc, a review of a README.",
    "Introduce two people only when both have said yes, and say why they should talk.",
    "Ask about the other person's project before talking about yours.",
    "A promise kept late still beats a promise forgotten: send it now, with a short sorry.",
    ("Remember one detail from each conversation (", command("note"), "): it opens the next one."),
    "Thank people who helped you, and tell them what came of it.",
)

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


def tip_for(moment: datetime) -> Text:
    """This week's tip: the same all week, a different one the next."""
    return TIPS[_week_index(moment) % len(TIPS)]


def prompt_for(moment: datetime) -> str:
    return PROMPTS[_week_index(moment) % len(PROMPTS)]
