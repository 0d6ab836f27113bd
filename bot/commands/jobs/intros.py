"""A week after an intro was asked, if it was not made: the introducer hears only that."""

from __future__ import annotations

from datetime import datetime

from bot.commands.intros import NOT_HAPPENED
from bot.core.intros import expire
from bot.core.message import Mention, Message, message, paragraph
from bot.core.outgoing import Outgoing
from bot.core.ports import DueCheck, DueKind, UnitOfWork
from bot.core.records import Intro


def not_happened_message(intro: Intro) -> Message:
    """The same words whether one side said no or neither answered: nothing tells them apart."""
    return message(
        paragraph(
            "🌱 Your introduction of ",
            Mention(intro.a),
            " and ",
            Mention(intro.b),
            f" {NOT_HAPPENED}.",
        ),
        paragraph("Thanks for thinking of them — good intros often take a few tries."),
    )


class IntroNotices:
    """Intros a week old and not made, declined or unanswered alike: tell the introducer."""

    name = "intro_notices"

    def due_check(self, now: datetime) -> DueCheck:
        return DueCheck(DueKind.INTRO_NOTICES, now)

    def run(self, uow: UnitOfWork, *, now: datetime, limit: int) -> int:
        due = uow.intros.due_notices(now=now, limit=limit)
        outgoing = Outgoing(now)
        for intro in due:
            uow.intros.save(expire(intro, now=now))
            profile = uow.profiles.get(intro.introducer)
            if profile is None:  # the introducer asked to be forgotten since
                continue
            outgoing.dm(profile, not_happened_message(intro), key=f"intro:{intro.id}:notice")
        outgoing.queue(uow)
        return len(due)
