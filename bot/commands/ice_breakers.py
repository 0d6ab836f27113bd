"""Ice-breakers by DM to each member of a new introduction or pairing group: from their own
records only, never the others' (see bot/core/ice_breakers.py for what is chosen)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.when import format_day
from bot.core.ice_breakers import IceBreaker, Known, Memory, MemoryKind, ice_breaker
from bot.core.identity import Member
from bot.core.message import (
    Block,
    Inline,
    Mention,
    Message,
    Paragraph,
    UserText,
    bullets,
    message,
    paragraph,
)
from bot.core.outgoing import Outgoing
from bot.core.ports import UnitOfWork
from bot.core.records import Profile


def known_about(uow: UnitOfWork, viewer: Member, other: Member) -> Known:
    """The viewer's own records about `other`: every query is the viewer's."""
    contact = uow.contacts.find_member(viewer, other.user_id)
    if contact is None:
        return Known()
    return Known(
        meetings=uow.meetings.list(viewer, about=contact.id),
        notes=uow.notes.list(viewer, about=contact.id),
        promises=uow.promises.list_all(viewer, about=contact.id),
        ledger=uow.ledger.list(viewer, about=contact.id),
    )


def _memory_line(memory: Memory, *, timezone: str) -> Paragraph:
    day = format_day(memory.at, timezone=timezone)
    words = UserText(memory.text, by=memory.quotes)
    match memory.kind:
        case MemoryKind.MET:
            return paragraph(f"You met {day}", *((": ", words) if memory.text else ()))
        case MemoryKind.NOTE:
            return paragraph(f"Your note, {day}: ", words)
        case MemoryKind.PROMISED:
            return paragraph("You promised “", words, f"” ({day}), still open")
        case MemoryKind.KEPT:
            return paragraph("You kept your promise of “", words, f"” ({day})")
        case MemoryKind.GAVE:
            return paragraph("You gave “", words, f"” ({day})")


def _lines(found: IceBreaker, *, timezone: str) -> list[Paragraph]:
    who = Mention(found.other)
    lines = [_memory_line(memory, timezone=timezone) for memory in found.memories]
    for ground in found.common:
        theirs = UserText(ground.theirs, by=found.other)
        mine = UserText(ground.mine)
        if ground.you_offer:
            parts: tuple[Inline, ...] = ("you offer “", mine, "”; they're looking for “", theirs)
        else:
            parts = ("they offer “", theirs, "”; you're looking for “", mine)
        lines.append(paragraph("Common ground: ", *parts, "”"))
    if found.question is not None:
        about = UserText(found.question.about, by=found.other)
        if found.question.from_offer:
            lines.append(paragraph("Ask ", who, " about “", about, "”: it's what they offer."))
        else:
            lines.append(paragraph("Ask ", who, " how their search for “", about, "” is going."))
    if found.tip is not None:
        lines.append(paragraph("💡 ", *found.tip.text))
    return lines


def ice_breaker_message(viewer: Profile, found: Sequence[IceBreaker], *, about: str) -> Message:
    """One DM for the viewer: per person they are meeting, what their own records say."""
    blocks: list[Block] = [
        paragraph(f"🧊 Ice-breakers for {about}, from your own records (only you see this):")
    ]
    for item in found:
        blocks += [
            paragraph(Mention(item.other), ":"),
            bullets(*_lines(item, timezone=viewer.timezone)),
        ]
    return message(*blocks)


def queue_ice_breakers(
    uow: UnitOfWork,
    outgoing: Outgoing,
    members: Sequence[Profile],
    *,
    about: str,
    key: str,
    seed: int,
) -> None:
    """Each of `members` (who all chose to take part) gets, privately and outside their quiet
    hours, what they know about the others; nobody is told anything about someone they
    blocked or who blocked them (such pairs are never grouped anyway)."""
    for viewer in members:
        found = [
            ice_breaker(
                viewer=viewer,
                other=other.member,
                other_profile=other,
                known=known_about(uow, viewer.member, other.member),
                seed=seed,
            )
            for other in members
            if other.member != viewer.member and not uow.blocks.between(viewer.member, other.member)
        ]
        if found:
            outgoing.dm(
                viewer,
                ice_breaker_message(viewer, found, about=about),
                key=f"{key}:ice:{viewer.member.user_id}",
            )
