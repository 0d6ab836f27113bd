"""Who and where: identities are values, never live client objects."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Platform(StrEnum):
    CONSOLE = "console"
    SLACK = "slack"
    DISCORD = "discord"


@dataclass(frozen=True, order=True)
class Workspace:
    """A Slack workspace, a Discord guild, or the console's single local workspace."""

    platform: Platform
    workspace_id: str


@dataclass(frozen=True, order=True)
class Member:
    platform: Platform
    workspace_id: str
    user_id: str

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.platform, self.workspace_id)


@dataclass(frozen=True, order=True)
class Channel:
    platform: Platform
    workspace_id: str
    channel_id: str

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.platform, self.workspace_id)
