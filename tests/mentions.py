"""What an adapter does with the mentions in a typed line, for tests that type lines directly."""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.commands.base import Mentioned
from bot.core.identity import Member

_PLACEHOLDER = re.compile(r"<@(?![&!])([^\s<>|]+)(?:\|([^<>]*))?>")


def mentions_in(text: str, *, by: Member, names: Mapping[str, str]) -> dict[str, Mentioned]:
    """Each `<@ID>` (or Slack's `<@ID|name>`) in `text` as a member of `by`'s workspace, named
    as the platform would: the name sent along, else from `names`, else the id."""
    return {
        key: Mentioned(Member(by.platform, by.workspace_id, key), label or names.get(key, key))
        for key, label in _PLACEHOLDER.findall(text)
    }
