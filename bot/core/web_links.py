"""Private web links (the dashboard, a member's own page): their kinds, lifetime, revocation."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from bot.core.identity import Member

DEFAULT_LIFETIME = timedelta(hours=24)
# The longest a link may be set to live; a revocation is remembered this long, so it outlives
# every link it ends.
MAX_LIFETIME = timedelta(days=30)
# A workspace-wide revocation (`dashboard revoke`) is kept under this user id: no member's.
WORKSPACE_SEAT = ""


class LinkKind(StrEnum):
    DASHBOARD = "dashboard"  # the organisers' dashboard of a workspace
    ME = "me"  # a member's own page


# The usage-mark kind a revocation is recorded as (bot/core/ports.UsageRepository).
REVOKED = {LinkKind.DASHBOARD: "revoke.dashboard", LinkKind.ME: "revoke.me"}


def revocation_seat(kind: LinkKind, member: Member) -> Member:
    """Whose mark ends links of this kind: a dashboard link is ended for the whole workspace
    (any organiser's), a member's page by that member only."""
    if kind is LinkKind.DASHBOARD:
        return Member(member.platform, member.workspace_id, WORKSPACE_SEAT)
    return member


def organiser(was: bool, *, said: bool, in_channel: bool) -> bool:
    """Whether a member is an organiser, as the platform last said it with a command or press.

    A yes counts anywhere; a no only in a channel, since a DM carries no rights on Discord
    (its permissions there are empty), and an organiser's DM must not end their dashboard."""
    if said or in_channel:
        return said
    return was


def revoked(issued_at: datetime, revocations: Sequence[datetime]) -> bool:
    """Whether a link issued at `issued_at` was ended by a later revocation."""
    return any(issued_at <= at for at in revocations)


class LinkIssuer(Protocol):
    """Signs private links (bot/web implements it: commands never see the key)."""

    @property
    def lifetime(self) -> timedelta: ...

    def issue(self, kind: LinkKind, member: Member, *, now: datetime) -> str:
        """The address of a link to `kind` for `member` (its workspace, for a dashboard), valid
        for `lifetime` from `now`."""
        ...
