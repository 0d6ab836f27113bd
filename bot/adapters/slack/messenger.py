"""Outbound: the Web API clients, Slack's errors in the outbox's words, and the messenger."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from aiohttp import ClientError, ClientSession
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.edge import library_logger
from bot.adapters.slack.render import FILE_COMMENT_LIMIT, fallback_text, render
from bot.core.errors import PermanentDeliveryError, RateLimited, TransientDeliveryError
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message

# Slack's errors that retrying can never fix (the rest are retried by the outbox, then dropped).
PERMANENT_ERRORS = frozenset(
    {
        "account_inactive",
        "cannot_dm_bot",
        "cant_update_message",  # chat.update of a post the bot did not make
        "channel_not_found",
        "invalid_auth",
        "invalid_blocks",
        "is_archived",
        "message_not_found",  # chat.update of a post deleted since
        "messages_tab_disabled",
        "missing_scope",
        "msg_too_long",
        "no_permission",
        "not_authed",
        "not_in_channel",
        "restricted_action",
        "team_access_not_granted",
        "token_expired",
        "token_revoked",
        "user_disabled",
        "user_not_found",
        "users_not_found",
    }
)


def web_client(
    *, api_url: str, token: str | None = None, session: ClientSession | None = None
) -> AsyncWebClient:
    """A Web API client that waits out one 429 itself; the outbox retries beyond that.

    With a `session`, calls reuse its connections instead of a new one (and TLS handshake) each.
    """
    return AsyncWebClient(
        token=token,
        base_url=api_url,
        session=session,
        logger=library_logger(),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=1),
        ],
    )


class SlackClients:
    """The Web API client for a workspace: the one bot token, or its installation's token."""

    def __init__(
        self,
        *,
        api_url: str,
        session: ClientSession,
        bot_token: str = "",
        installations: AsyncInstallationStore | None,
    ) -> None:
        self._api_url = api_url
        self._session = session
        self._single = (
            web_client(api_url=api_url, token=bot_token, session=session) if bot_token else None
        )
        self._installations = installations
        self._by_token: dict[str, AsyncWebClient] = {}

    async def for_workspace(self, workspace_id: str) -> AsyncWebClient:
        if self._single is not None:
            return self._single
        bot = None
        if self._installations is not None:
            bot = await self._installations.async_find_bot(enterprise_id=None, team_id=workspace_id)
        if bot is None or not bot.bot_token:
            raise PermanentDeliveryError(f"the app is not installed in workspace {workspace_id}")
        client = self._by_token.get(bot.bot_token)
        if client is None:
            client = self._by_token[bot.bot_token] = web_client(
                api_url=self._api_url, token=bot.bot_token, session=self._session
            )
        return client


def _header(response: Any, name: str) -> str | None:
    for key, value in (getattr(response, "headers", None) or {}).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list | tuple) else value)
    return None


@contextlib.asynccontextmanager
async def delivery_errors() -> AsyncIterator[None]:
    """Slack's failures as the outbox's words: rate limited, transient, or permanent."""
    try:
        yield
    except SlackApiError as error:
        response = error.response
        status = getattr(response, "status_code", 0)
        code = str(response.get("error", "")) if response is not None else ""
        if status == 429 or code == "ratelimited":
            retry_after = _header(response, "retry-after")
            raise RateLimited(float(retry_after) if retry_after else 1.0) from error
        if code in PERMANENT_ERRORS:
            raise PermanentDeliveryError(code) from error
        raise TransientDeliveryError(f"HTTP {status} {code}".strip()) from error
    except (SlackClientError, ClientError, TimeoutError) as error:
        raise TransientDeliveryError(f"{type(error).__name__}: {error}") from error


class SlackMessenger:
    """DMs via conversations.open + chat.postMessage; introductions in a group DM."""

    def __init__(self, clients: SlackClients) -> None:
        self._clients = clients

    async def send_dm(self, member: Member, message: Message) -> None:
        async with delivery_errors():
            client = await self._clients.for_workspace(member.workspace_id)
            opened = await client.conversations_open(users=member.user_id)
            await self._post(client, opened["channel"]["id"], message)

    async def post(self, channel: Channel, message: Message) -> str | None:
        async with delivery_errors():
            client = await self._clients.for_workspace(channel.workspace_id)
            return await self._post(client, channel.channel_id, message)

    async def edit_post(self, channel: Channel, ref: str, message: Message) -> None:
        async with delivery_errors():
            client = await self._clients.for_workspace(channel.workspace_id)
            await client.chat_update(
                channel=channel.channel_id, ts=ref, **render(message).as_kwargs()
            )

    async def send_group(
        self,
        members: Sequence[Member],
        message: Message,
        *,
        near: Channel | None,
        title: str,
        opened: Channel | None,
        record: Callable[[Channel], Awaitable[None]],
    ) -> Channel | None:
        """A group DM (Slack names it after its members: `title` has no place here)."""
        workspace_id = members[0].workspace_id
        async with delivery_errors():
            client = await self._clients.for_workspace(workspace_id)
            group = opened
            if group is None:
                users = sorted({member.user_id for member in members})
                answer = await client.conversations_open(users=",".join(users))
                group = Channel(Platform.SLACK, workspace_id, answer["channel"]["id"])
                await record(group)
            await self._post(client, group.channel_id, message)
        return group

    @staticmethod
    async def _post(client: AsyncWebClient, channel_id: str, message: Message) -> str | None:
        """The post's timestamp (its reference for `chat.update`); None for a file."""
        if message.attachment is None:
            posted = await client.chat_postMessage(
                channel=channel_id,
                unfurl_links=False,
                unfurl_media=False,
                **render(message).as_kwargs(),
            )
            ts = posted.get("ts")
            return str(ts) if ts else None
        # The file carries the message as its comment: one call, so a retry never posts twice.
        await client.files_upload_v2(
            channel=channel_id,
            filename=message.attachment.filename,
            title=message.attachment.filename,
            content=message.attachment.content,
            initial_comment=fallback_text(message, limit=FILE_COMMENT_LIMIT),
        )
        return None
