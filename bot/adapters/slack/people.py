"""Who is asking: names, time zones and admin rights from users.info, cached an hour."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from aiohttp import ClientError
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.identity import Member

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackPerson:
    name: str
    timezone: str | None = None
    is_admin: bool = False


K = TypeVar("K")
V = TypeVar("V")


class Expiring(Generic[K, V]):
    """A bounded map whose entries expire: the least recently used go first when full."""

    def __init__(self, *, ttl: float, size: int = 10_000) -> None:
        self._ttl = ttl
        self._size = size
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def get(self, key: K) -> V | None:
        item = self._items.get(key)
        if item is None or item[0] <= time.monotonic():
            return None
        self._items.move_to_end(key)
        return item[1]

    def put(self, key: K, value: V) -> None:
        self._items[key] = (time.monotonic() + self._ttl, value)
        self._items.move_to_end(key)
        if len(self._items) > self._size:
            self._items.popitem(last=False)

    def forget(self, keep: Callable[[K], bool]) -> None:
        for key in [key for key in self._items if not keep(key)]:
            del self._items[key]


class People:
    """users.info answers, kept an hour: a command needs the invoker's zone and mentioned names."""

    def __init__(self) -> None:
        self._known: Expiring[Member, SlackPerson] = Expiring(ttl=3600.0)

    async def get(
        self, client: AsyncWebClient, member: Member, *, fallback: str = ""
    ) -> SlackPerson:
        known = self._known.get(member)
        if known is not None:
            return known
        try:
            response = await client.users_info(user=member.user_id)
        except (SlackClientError, ClientError, TimeoutError) as error:
            log.warning("users.info failed: %s", error, extra={"workspace": member.workspace_id})
            return SlackPerson(fallback or member.user_id)  # not kept: asked again next time
        user = response.get("user") or {}
        profile = user.get("profile") or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or user.get("real_name")
            or user.get("name")
            or fallback
            or member.user_id
        )
        person = SlackPerson(
            name=name,
            timezone=user.get("tz") or None,
            is_admin=bool(user.get("is_admin") or user.get("is_owner")),
        )
        self._known.put(member, person)
        return person

    def forget_workspace(self, workspace_id: str) -> None:
        self._known.forget(lambda member: member.workspace_id != workspace_id)
