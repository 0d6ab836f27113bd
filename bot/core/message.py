"""Neutral rich text that every adapter renders its own way, and its JSON codec for the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.calendar import CalendarInvite, invite_from_json, invite_to_json
from bot.core.identity import Channel, Member, Platform


@dataclass(frozen=True)
class UserText:
    """Text a person typed: always shown literally, never as markup, a mention or a broadcast.

    `by` names the member who typed it when that is not the recipient, so a queued message
    quoting them is found and dropped if they ask to be forgotten (it never changes equality).
    """

    text: str
    by: Member | None = field(default=None, compare=False)


# Line breaks and other control characters: what a member typed can't start a line of its own.
_NOT_INLINE = {code: " " for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)}


def one_line(text: str) -> str:
    """User text as every adapter shows it: on the line it is part of, so no line break in it
    can make the rest look like a line of the bot's own."""
    return text.translate(_NOT_INLINE)


@dataclass(frozen=True)
class Mention:
    """A member the bot means to name; adapters render it natively."""

    member: Member


@dataclass(frozen=True)
class Strong:
    """Bot-authored text shown with emphasis."""

    text: str


@dataclass(frozen=True)
class ChannelRef:
    """A channel the bot names; adapters link it natively. `name`: its display name, when known."""

    channel: Channel
    name: str = ""


@dataclass(frozen=True)
class CommandRef:
    """A command as the member would type it: its name and arguments, no platform's prefix.
    Each adapter shows how it is run there (a slash command, a command mention, a line)."""

    command: str
    args: str = ""

    @property
    def line(self) -> str:
        return f"{self.command} {self.args}" if self.args else self.command


@dataclass(frozen=True)
class Code:
    """Bot-authored literal text shown as code: a value to type exactly (a zone, a dash)."""

    text: str


Inline = str | UserText | Mention | Strong | ChannelRef | CommandRef | Code

# Text that may hold parts: a plain sentence, or its pieces (an error's message and hint).
Text = str | tuple[Inline, ...]


def command(line: str) -> CommandRef:
    """`"promise @sam the slides"` as a reference: the first word names the command."""
    name, _, args = line.strip().partition(" ")
    return CommandRef(name, args.strip())


def parts_of(text: Text) -> tuple[Inline, ...]:
    return (text,) if isinstance(text, str) else text


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class Bullets:
    items: tuple[Paragraph, ...]


Block = Paragraph | Bullets


class ChoiceStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Choice:
    """A button: a stable action id and a short payload the handler needs (ids, never secrets)."""

    label: str
    action: str
    payload: str = ""
    style: ChoiceStyle = ChoiceStyle.DEFAULT


@dataclass(frozen=True)
class SelectOption:
    """One option of a `Select`: what is shown (a name a member typed is `UserText`) and the
    value its answer carries (ids, never secrets)."""

    label: str | UserText
    value: str


@dataclass(frozen=True)
class Select:
    """A pick of up to `max_picks` options: a stable action id and a payload, like a `Choice`;
    the answer arrives through the same path as a press, with the values picked. With `other`
    (its label), the pick also takes free text for what is not listed (outside people's names),
    answered through the same path with the text typed."""

    action: str
    payload: str
    placeholder: str
    options: tuple[SelectOption, ...]
    max_picks: int = 1
    other: str = ""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str


@dataclass(frozen=True)
class Message:
    blocks: tuple[Block, ...]
    choices: tuple[Choice, ...] = ()
    attachment: Attachment | None = None
    # Turned into an `.ics` attachment by delivery, just before the messenger sends it.
    invite: CalendarInvite | None = None
    select: Select | None = None

    def plain_text(self) -> str:
        """A notification-friendly summary: bot text and user text, no markup."""
        return "\n".join(_block_plain(block) for block in self.blocks)


def paragraph(*parts: Inline) -> Paragraph:
    return Paragraph(tuple(part for part in parts if part != ""))


def bullets(*items: Paragraph) -> Bullets:
    return Bullets(tuple(items))


def message(
    *blocks: Block | None,
    choices: tuple[Choice, ...] = (),
    attachment: Attachment | None = None,
    invite: CalendarInvite | None = None,
    select: Select | None = None,
) -> Message:
    return Message(
        tuple(block for block in blocks if block is not None),
        choices=choices,
        attachment=attachment,
        invite=invite,
        select=select,
    )


def text_message(*parts: Inline) -> Message:
    return message(paragraph(*parts))


def _inline_plain(part: Inline) -> str:
    match part:
        case str():
            return part
        case UserText(text) | Strong(text):
            return text
        case Mention(member):
            return f"@{member.user_id}"
        case ChannelRef(channel, name):
            return f"#{name or channel.channel_id}"
        case CommandRef():
            return part.line
        case Code(text):
            return text


def text_plain(text: Text) -> str:
    return "".join(_inline_plain(part) for part in parts_of(text))


def paragraph_plain(block: Paragraph) -> str:
    return "".join(_inline_plain(part) for part in block.parts)


def _block_plain(block: Block) -> str:
    if isinstance(block, Paragraph):
        return paragraph_plain(block)
    return "\n".join(f"• {paragraph_plain(item)}" for item in block.items)


def members_named(msg: Message) -> frozenset[Member]:
    """Every member the message mentions or quotes (their own typed words)."""
    named: set[Member] = set()
    for block in msg.blocks:
        for para in (block,) if isinstance(block, Paragraph) else block.items:
            for part in para.parts:
                if isinstance(part, Mention):
                    named.add(part.member)
                elif isinstance(part, UserText) and part.by is not None:
                    named.add(part.by)
    for option in msg.select.options if msg.select is not None else ():
        if isinstance(option.label, UserText) and option.label.by is not None:
            named.add(option.label.by)
    return frozenset(named)


# --- JSON codec: messages wait in the outbox as plain JSON -----------------------------------


def member_to_json(member: Member) -> dict[str, str]:
    return {
        "platform": member.platform.value,
        "workspace": member.workspace_id,
        "user": member.user_id,
    }


def member_from_json(data: dict[str, str]) -> Member:
    return Member(Platform(data["platform"]), data["workspace"], data["user"])


def channel_to_json(channel: Channel) -> dict[str, str]:
    return {
        "platform": channel.platform.value,
        "workspace": channel.workspace_id,
        "channel": channel.channel_id,
    }


def channel_from_json(data: dict[str, str]) -> Channel:
    return Channel(Platform(data["platform"]), data["workspace"], data["channel"])


def _inline_to_json(part: Inline) -> Any:
    match part:
        case str():
            return part
        case UserText(text, by):
            return {"user_text": text, "by": member_to_json(by)} if by else {"user_text": text}
        case Strong(text):
            return {"strong": text}
        case Mention(member):
            return {"mention": member_to_json(member)}
        case ChannelRef(channel, name):
            return {"channel": channel_to_json(channel), "name": name}
        case CommandRef(name, args):
            return {"command": name, "args": args}
        case Code(text):
            return {"code": text}


def _inline_from_json(data: Any) -> Inline:
    if isinstance(data, str):
        return data
    if "user_text" in data:
        by = data.get("by")
        return UserText(data["user_text"], member_from_json(by) if by else None)
    if "strong" in data:
        return Strong(data["strong"])
    if "channel" in data:
        return ChannelRef(channel_from_json(data["channel"]), data["name"])
    if "command" in data:
        return CommandRef(data["command"], data["args"])
    if "code" in data:
        return Code(data["code"])
    return Mention(member_from_json(data["mention"]))


def _paragraph_to_json(block: Paragraph) -> list[Any]:
    return [_inline_to_json(part) for part in block.parts]


def message_to_json(msg: Message) -> dict[str, Any]:
    blocks: list[Any] = []
    for block in msg.blocks:
        if isinstance(block, Paragraph):
            blocks.append({"p": _paragraph_to_json(block)})
        else:
            blocks.append({"ul": [_paragraph_to_json(item) for item in block.items]})
    data: dict[str, Any] = {"blocks": blocks}
    if msg.choices:
        data["choices"] = [
            {"label": c.label, "action": c.action, "payload": c.payload, "style": c.style.value}
            for c in msg.choices
        ]
    if msg.attachment is not None:
        data["attachment"] = {
            "filename": msg.attachment.filename,
            "content": msg.attachment.content,
        }
    if msg.invite is not None:
        data["invite"] = invite_to_json(msg.invite)
    if msg.select is not None:
        data["select"] = _select_to_json(msg.select)
    return data


def _select_to_json(select: Select) -> dict[str, Any]:
    return {
        "action": select.action,
        "payload": select.payload,
        "placeholder": select.placeholder,
        "max": select.max_picks,
        "other": select.other,
        "options": [{"label": _inline_to_json(o.label), "value": o.value} for o in select.options],
    }


def _select_from_json(data: dict[str, Any]) -> Select:
    def label(data: Any) -> str | UserText:
        part = _inline_from_json(data)
        return part if isinstance(part, str | UserText) else _inline_plain(part)

    options = tuple(SelectOption(label(o["label"]), o["value"]) for o in data["options"])
    return Select(
        data["action"],
        data["payload"],
        data["placeholder"],
        options,
        int(data["max"]),
        str(data.get("other", "")),  # rows queued before free text was offered have none
    )


def _paragraph_from_json(parts: list[Any]) -> Paragraph:
    return Paragraph(tuple(_inline_from_json(part) for part in parts))


def message_from_json(data: dict[str, Any]) -> Message:
    blocks: list[Block] = []
    for block in data["blocks"]:
        if "p" in block:
            blocks.append(_paragraph_from_json(block["p"]))
        else:
            blocks.append(Bullets(tuple(_paragraph_from_json(item) for item in block["ul"])))
    choices = tuple(
        Choice(c["label"], c["action"], c["payload"], ChoiceStyle(c["style"]))
        for c in data.get("choices", ())
    )
    attachment = data.get("attachment")
    invite = data.get("invite")
    return Message(
        tuple(blocks),
        choices=choices,
        attachment=Attachment(attachment["filename"], attachment["content"])
        if attachment
        else None,
        invite=invite_from_json(invite) if invite else None,
        select=_select_from_json(data["select"]) if "select" in data else None,
    )
