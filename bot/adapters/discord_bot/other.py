"""A select's free-text field on Discord: a persistent button that opens a form (a modal)."""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

import discord

OTHER_TEMPLATE = r"buddyother:(?P<action>[a-z_.]+):(?P<guild>[0-9]*):(?P<payload>.*)"
OTHER_LENGTH = 2000  # characters typed in a select's free-text form


@runtime_checkable
class ButtonPresser(Protocol):
    """The client that handles a press: the button itself only knows its custom_id."""

    async def press_button(
        self,
        interaction: discord.Interaction[Any],
        *,
        action: str,
        guild_id: str,
        payload: str,
        picked: tuple[str, ...] | None = None,
        typed: str | None = None,
    ) -> None: ...


class BuddyOther(discord.ui.DynamicItem[discord.ui.Button[Any]], template=OTHER_TEMPLATE):
    """A select's free-text field, as a persistent button ("Someone from outside…") that opens
    a form: what is typed there answers the select through the same path as a pick."""

    def __init__(self, *, action: str, guild_id: str, payload: str, label: str = "…") -> None:
        self.action = action
        self.guild_id = guild_id
        self.payload = payload
        super().__init__(
            discord.ui.Button(
                label=label[:80], custom_id=f"buddyother:{action}:{guild_id}:{payload}"
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> BuddyOther:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(
            action=match["action"],
            guild_id=match["guild"],
            payload=match["payload"],
            label=label or "…",
        )

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(OtherForm(self, title=self.item.label or "…"))


class OtherForm(discord.ui.Modal):
    """The form a `BuddyOther` opens: one line for the names, sent on submit."""

    names: discord.ui.TextInput[OtherForm] = discord.ui.TextInput(
        label="Their names, commas between them",
        placeholder="Ana Lima, Jo Silva",
        max_length=OTHER_LENGTH,
    )

    def __init__(self, button: BuddyOther, *, title: str) -> None:
        super().__init__(title=title.rstrip("…")[:45] or "…", timeout=15 * 60)
        self.button = button

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        if isinstance(interaction.client, ButtonPresser):
            await interaction.client.press_button(
                interaction,
                action=self.button.action,
                guild_id=self.button.guild_id,
                payload=self.button.payload,
                typed=self.names.value,
            )
