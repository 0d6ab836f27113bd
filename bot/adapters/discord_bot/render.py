"""Discord rendering: neutral messages as content, allowed mentions and persistent buttons."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.adapters.discord_bot.commands import GROUP_NAME, subgroups
from bot.adapters.discord_bot.other import BuddyOther, ButtonPresser
from bot.commands.registry import COMMANDS
from bot.core.chunks import pack_lines
from bot.core.message import (
    Attachment,
    Block,
    Bullets,
    ChannelRef,
    Choice,
    ChoiceStyle,
    Code,
    CommandRef,
    Inline,
    Mention,
    Message,
    Paragraph,
    Select,
    Strong,
    UserText,
    one_line,
)

MAX_CONTENT = 2000  # Discord's limit for a message's content
MAX_BUTTONS = 25  # five rows of five
MAX_PARTS = 4  # Discord messages one rendered message may take
CUT_SHORT = "…(cut short: too long for one reply)"
# The custom_id carries everything a press needs, so a button works after any restart: the action,
# the guild (a DM has none, yet the member's data lives per guild) and the choice's payload.
BUTTON_TEMPLATE = r"buddy:(?P<action>[a-z_.]+):(?P<guild>[0-9]*):(?P<payload>.*)"
SELECT_TEMPLATE = r"buddypick:(?P<action>[a-z_.]+):(?P<guild>[0-9]*):(?P<payload>.*)"
MAX_OPTIONS = 25  # Discord's limit for a select menu's options

_STYLES = {
    ChoiceStyle.DEFAULT: discord.ButtonStyle.secondary,
    ChoiceStyle.PRIMARY: discord.ButtonStyle.primary,
    ChoiceStyle.DANGER: discord.ButtonStyle.danger,
}


# discord.py escapes headings, quotes and bullets but not a numbered list ("1. ").
_NUMBERED = re.compile(r"^(\s*\d+)\.(?=\s)")


def user_text(text: str) -> str:
    """What a member typed, shown literally: on one line, no markdown (headings, quotes, lists),
    no mention, no broadcast."""
    return _no_pings(_NUMBERED.sub(r"\1\\.", escape_markdown(one_line(text))))


def _no_pings(text: str) -> str:
    """`escape_mentions`, which changes only what follows an "@": a reply has dozens of parts,
    and a regular-expression pass over each was a third of its rendering."""
    return escape_mentions(text) if "@" in text else text


# Each command's full name in the `/buddy` tree (see `build_group`): what lives in a channel is
# under `/buddy channel`; an alias is picked in Discord under its command's name.
_WHERE = subgroups(COMMANDS)
_PATHS = {
    name: " ".join(part for part in (GROUP_NAME, _WHERE[spec.name], spec.name) if part)
    for spec in COMMANDS
    for name in (spec.name, *spec.aliases)
}


def command_path(name: str) -> str:
    """A command's full name in the `/buddy` tree, as a member picks it in Discord."""
    return _PATHS.get(name, f"{GROUP_NAME} {name}")


def command_reference(ref: CommandRef, *, command_id: str = "") -> str:
    """A clickable command mention once the `/buddy` command's id is known, else its text;
    the arguments follow as code, since Discord asks for them as options."""
    path = command_path(ref.command)
    if not command_id:
        return f"`/{' '.join((path, ref.args)) if ref.args else path}`"
    mention = f"</{path}:{command_id}>"
    return f"{mention} `{ref.args}`" if ref.args else mention


def _inline(part: Inline, *, command_id: str) -> str:
    match part:
        case str():
            # Bot text may use markdown (`code`), but never pings: a safety net for any user
            # words a command echoes inside its own sentence.
            return _no_pings(part)
        case UserText(text):
            return user_text(text)
        case Strong(text):
            return f"**{user_text(text)}**"
        case Mention(member):
            return f"<@{member.user_id}>"
        case ChannelRef(channel):
            return f"<#{channel.channel_id}>"
        case CommandRef():
            return command_reference(part, command_id=command_id)
        case Code(text):
            return f"`{text}`"


def _paragraph(block: Paragraph, *, command_id: str) -> str:
    return "".join(_inline(part, command_id=command_id) for part in block.parts)


def _lines(blocks: Iterable[Block], *, command_id: str) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(_paragraph(block, command_id=command_id))
        else:
            lines += [f"• {_paragraph(item, command_id=command_id)}" for item in block.items]
    return lines


def mentioned_user_ids(message: Message) -> tuple[int, ...]:
    """The members the message means to name (Mention parts), in order, once each."""
    ids: dict[int, None] = {}
    paragraphs = [
        item
        for block in message.blocks
        for item in (block.items if isinstance(block, Bullets) else (block,))
    ]
    for block in paragraphs:
        for part in block.parts:
            if isinstance(part, Mention) and part.member.user_id.isdigit():
                ids[int(part.member.user_id)] = None
    return tuple(ids)


class BuddyButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_TEMPLATE):
    """A persistent button: rebuilt from its custom_id whenever pressed, even after a restart."""

    def __init__(
        self,
        *,
        action: str,
        guild_id: str,
        payload: str,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        self.action = action
        self.guild_id = guild_id
        self.payload = payload
        super().__init__(
            discord.ui.Button(
                label=label[:80], style=style, custom_id=f"buddy:{action}:{guild_id}:{payload}"
            )
        )

    @classmethod
    def for_choice(cls, choice: Choice, *, guild_id: str) -> BuddyButton:
        return cls(
            action=choice.action,
            guild_id=guild_id,
            payload=choice.payload,
            label=choice.label,
            style=_STYLES[choice.style],
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> BuddyButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        style = item.style if isinstance(item, discord.ui.Button) else discord.ButtonStyle.secondary
        return cls(
            action=match["action"],
            guild_id=match["guild"],
            payload=match["payload"],
            label=label or "…",
            style=style,
        )

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if isinstance(interaction.client, ButtonPresser):
            await interaction.client.press_button(
                interaction, action=self.action, guild_id=self.guild_id, payload=self.payload
            )


class BuddySelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=SELECT_TEMPLATE):
    """A persistent select menu: like a `BuddyButton`, everything its answer needs but the
    values picked is in its custom_id."""

    def __init__(
        self,
        *,
        action: str,
        guild_id: str,
        payload: str,
        placeholder: str = "…",
        options: list[discord.SelectOption] | None = None,
        max_picks: int = 1,
    ) -> None:
        self.action = action
        self.guild_id = guild_id
        self.payload = payload
        options = options or []
        super().__init__(
            discord.ui.Select(
                custom_id=f"buddypick:{action}:{guild_id}:{payload}",
                placeholder=placeholder[:150],
                min_values=1,
                max_values=max(1, min(max_picks, len(options))),
                options=options,
            )
        )

    @classmethod
    def for_select(cls, select: Select, *, guild_id: str) -> BuddySelect:
        options = [
            discord.SelectOption(label=_option_label(o.label), value=o.value[:100])
            for o in select.options[:MAX_OPTIONS]
        ]
        return cls(
            action=select.action,
            guild_id=guild_id,
            payload=select.payload,
            placeholder=select.placeholder,
            options=options,
            max_picks=select.max_picks,
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> BuddySelect:
        return cls(action=match["action"], guild_id=match["guild"], payload=match["payload"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if isinstance(interaction.client, ButtonPresser):
            await interaction.client.press_button(
                interaction,
                action=self.action,
                guild_id=self.guild_id,
                payload=self.payload,
                picked=tuple(self.item.values),
            )


def _option_label(label: str | UserText) -> str:
    # An option's label is plain text on Discord: no markdown, no mention forms there.
    text = label if isinstance(label, str) else one_line(label.text)
    return text[:100] or "…"


@dataclass(frozen=True)
class Outgoing:
    """One Discord message of a rendered `Message` (long ones take several)."""

    content: str
    choices: tuple[Choice, ...] = ()
    attachment: Attachment | None = None
    select: Select | None = None

    def send_kwargs(
        self, *, guild_id: str, allowed_mentions: discord.AllowedMentions
    ) -> dict[str, Any]:
        """Keyword arguments for `send`: discord.py objects are built fresh for every send."""
        kwargs: dict[str, Any] = {"content": self.content, "allowed_mentions": allowed_mentions}
        select = self.select
        if self.choices or (select is not None and (select.options or select.other)):
            view = discord.ui.View(timeout=None)
            room = MAX_BUTTONS
            if select is not None and select.options:
                view.add_item(BuddySelect.for_select(select, guild_id=guild_id))
                room -= 5  # a select takes a whole row
            if select is not None and select.other:
                other = BuddyOther(
                    action=select.action,
                    guild_id=guild_id,
                    payload=select.payload,
                    label=select.other + "…",
                )
                view.add_item(other)
                room -= 1
            for choice in self.choices[:room]:
                view.add_item(BuddyButton.for_choice(choice, guild_id=guild_id))
            kwargs["view"] = view
        if self.attachment is not None:
            kwargs["file"] = discord.File(
                io.BytesIO(self.attachment.content.encode()), filename=self.attachment.filename
            )
        return kwargs


def render(message: Message, *, command_id: str = "") -> list[Outgoing]:
    """Content chunks of at most 2,000 characters; buttons and the file ride on the last one.
    `command_id`: the `/buddy` command's id, when known, makes command references clickable.

    At most `MAX_PARTS` of them: a longer message is cut, saying so, rather than becoming a
    stream of follow-ups (lists are capped before this; it is the last line of defence)."""
    chunks = pack_lines(_lines(message.blocks, command_id=command_id), limit=MAX_CONTENT) or ["…"]
    if len(chunks) > MAX_PARTS:
        chunks = chunks[:MAX_PARTS]
        chunks[-1] = chunks[-1][: MAX_CONTENT - len(CUT_SHORT) - 1] + "\n" + CUT_SHORT
    last = Outgoing(chunks[-1], message.choices, message.attachment, message.select)
    return [Outgoing(chunk) for chunk in chunks[:-1]] + [last]


def no_mentions() -> discord.AllowedMentions:
    return discord.AllowedMentions.none()


def only_users(user_ids: Iterable[int]) -> discord.AllowedMentions:
    """Exactly these members may be pinged: never everyone, here or a role."""
    return discord.AllowedMentions(
        everyone=False,
        roles=False,
        users=[discord.Object(id=user_id) for user_id in user_ids],
        replied_user=False,
    )
