"""Which Slack workspaces the bot serves: only its own, and none Slack says it has left.

A single SLACK_BOT_TOKEN serves the team (or, org-wide, the organisation) `auth.test` names;
requests from anywhere else, or naming no team, are refused before anything is stored. At start
and daily, every token is checked with `auth.test`: a workspace whose token Slack answers
`invalid_auth`, `account_inactive` or `token_revoked` is erased, so an uninstall the bot missed
while it was down is still honoured. An org-wide installation is erased team by team.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import ClientError
from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.identity import Platform, Workspace

log = logging.getLogger(__name__)

# Slack's answers to auth.test that mean the token will never work again: uninstalled, revoked,
# or the workspace deactivated.
GONE = frozenset({"invalid_auth", "account_inactive", "token_revoked"})
CHECK_EVERY = 24 * 3600.0  # seconds between checks while running
# Events that erase: they must reach the bot even from an organisation, which names no team.
ERASING_EVENTS = frozenset({"app_uninstalled", "tokens_revoked"})
REMEMBERED = 10_000  # teams noted per process before the set starts over


class SlackTeams(Protocol):
    """The adapter's record of the teams it serves, and the one erase function."""

    def remember(
        self, team_id: str, *, enterprise_id: str | None, token_digest: str | None = None
    ) -> None: ...
    def teams(
        self, *, enterprise_id: str | None = None, token_digest: str | None = None
    ) -> list[str]: ...
    def erase(self, workspace: Workspace) -> None:
        """Delete everything held about a workspace (it uninstalled the app)."""
        ...


class InstalledBots(Protocol):
    async def async_list_bots(self) -> list[Bot]:
        """The current bot of every installation."""
        ...


class SlackTokenGone(Exception):
    """Slack says SLACK_BOT_TOKEN will never work again (the app was uninstalled or revoked)."""

    def __init__(self, code: str) -> None:
        super().__init__(f"Slack refused SLACK_BOT_TOKEN ({code})")
        self.code = code


@dataclass(frozen=True)
class Served:
    """What one bot token serves, as auth.test tells it: one team, or a whole organisation."""

    team_id: str
    enterprise_id: str | None = None
    org_wide: bool = False

    def admits(self, *, team_id: str | None, enterprise_id: str | None) -> bool:
        if self.org_wide:
            return enterprise_id == self.enterprise_id
        return team_id == self.team_id


def token_digest(token: str) -> str:
    """Names a token in the database without keeping it: one-way, and tokens are random."""
    return hashlib.sha256(token.encode()).hexdigest()


async def ask_slack(client: AsyncWebClient) -> Served | str | None:
    """auth.test: whom the client's token serves, Slack's error code, or None if unreachable."""
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        return str(error.response.get("error", "")) or "error"
    except (SlackClientError, ClientError, TimeoutError) as error:
        log.warning("auth.test failed: %s", type(error).__name__)
        return None
    return Served(
        team_id=str(answer.get("team_id") or ""),
        enterprise_id=answer.get("enterprise_id") or None,
        org_wide=bool(answer.get("is_enterprise_install")),
    )


class WorkspaceGuard:
    """Keeps the bot to the workspaces it is installed in, and erases those it has left."""

    def __init__(
        self,
        *,
        teams: SlackTeams,
        erase: Callable[[Workspace], Awaitable[None]],
        web: Callable[[str], AsyncWebClient],
        bot_token: str = "",
        installations: AsyncInstallationStore | None = None,
    ) -> None:
        """`bot_token` for a single workspace; else `installations` (which must also be
        `InstalledBots`) hold one token per workspace. `web(token)` makes a Web API client."""
        self._teams = teams
        self._erase = erase
        self._web = web
        self._token = bot_token
        self._installations = installations
        self._served: Served | None = None  # single workspace: learned from auth.test
        self._gone = False  # single workspace: Slack said the token is dead
        self._noted: set[tuple[str, str | None]] = set()

    @property
    def single(self) -> bool:
        return bool(self._token)

    # -- requests --

    async def admits(self, body: dict[str, Any], context: AsyncBoltContext) -> bool:
        """Whether a (verified) request comes from a workspace this bot serves."""
        if body.get("type") == "url_verification":  # Slack checking the URL: no workspace
            return True
        team, enterprise = _team(body, context), context.enterprise_id
        if not team:
            erasing = (body.get("event") or {}).get("type") in ERASING_EVENTS
            if not (erasing and enterprise and context.is_enterprise_install):
                return False
        if not self.single:
            return True  # Bolt's authorization refuses a team with no installation
        served = await self._served_now()
        return served is not None and served.admits(team_id=team, enterprise_id=enterprise)

    def noteworthy(self, context: AsyncBoltContext) -> bool:
        """A team of an organisation not yet noted: an org-wide install is erased team by team,
        and only requests tell which teams it serves."""
        team, enterprise = context.team_id, context.enterprise_id
        return bool(team and enterprise and (team, enterprise) not in self._noted)

    async def note(self, context: AsyncBoltContext) -> None:
        """Remember an authorized request's team and organisation (once per process)."""
        team, enterprise = context.team_id, context.enterprise_id
        if not team or (team, enterprise) in self._noted:
            return
        if len(self._noted) >= REMEMBERED:
            self._noted.clear()
        digest = token_digest(self._token) if self.single else None
        await asyncio.to_thread(
            self._teams.remember, team, enterprise_id=enterprise, token_digest=digest
        )
        self._noted.add((team, enterprise))

    async def uninstalled(self, context: AsyncBoltContext) -> None:
        """app_uninstalled, or the bot token revoked: erase the team, or the organisation's."""
        if context.is_enterprise_install and context.enterprise_id:
            await self._erase_all(await self._organisation(context.enterprise_id))
        else:
            await self._erase_all([context.team_id or ""])
        if self.single:
            self._served, self._gone = None, True

    # -- at start and daily --

    async def check(self, *, starting: bool = False) -> None:
        """Ask Slack about every token; erase the workspaces of those it says are gone.

        Starting with a single token Slack refuses raises `SlackTokenGone` (after erasing).
        """
        if self.single:
            await self._check_token(starting=starting)
        else:
            await self._check_installations()

    async def watch(self, *, every: float = CHECK_EVERY) -> None:
        """Check every `every` seconds until cancelled."""
        while True:
            await asyncio.sleep(every)
            try:
                await self.check()
            except Exception:
                log.exception("the daily check of Slack workspaces failed")

    async def _served_now(self) -> Served | None:
        if self._served is None and not self._gone:
            await self._check_token(starting=False)  # Slack was unreachable at start
        return self._served

    async def _check_token(self, *, starting: bool) -> None:
        answer = await ask_slack(self._web(self._token))
        if isinstance(answer, Served):
            self._served, self._gone = answer, False
            if not answer.org_wide and answer.team_id:
                await asyncio.to_thread(
                    self._teams.remember,
                    answer.team_id,
                    enterprise_id=answer.enterprise_id,
                    token_digest=token_digest(self._token),
                )
            return
        if answer not in GONE:
            return  # unreachable, or an answer that says nothing about the token: ask again
        self._served, self._gone = None, True
        teams = await asyncio.to_thread(self._teams.teams, token_digest=token_digest(self._token))
        await self._erase_all(teams)
        log.error("Slack refused SLACK_BOT_TOKEN (%s): erased its workspace's data", answer)
        if starting:
            raise SlackTokenGone(answer)

    async def _check_installations(self) -> None:
        installations = self._installations
        if installations is None or not hasattr(installations, "async_list_bots"):
            return
        bots: Sequence[Bot] = await installations.async_list_bots()
        for bot in bots:
            answer = await ask_slack(self._web(bot.bot_token))
            if not isinstance(answer, str) or answer not in GONE:
                continue
            if bot.is_enterprise_install and bot.enterprise_id:
                await self._erase_all(await self._organisation(bot.enterprise_id))
            else:
                await self._erase_all([bot.team_id or ""])
            await installations.async_delete_bot(
                enterprise_id=bot.enterprise_id, team_id=bot.team_id
            )
            await installations.async_delete_installation(
                enterprise_id=bot.enterprise_id, team_id=bot.team_id
            )
            log.warning(
                "Slack refused an installation's token (%s): erased its data",
                answer,
                extra={"workspace": bot.team_id or bot.enterprise_id},
            )

    async def _organisation(self, enterprise_id: str) -> list[str]:
        """The teams an org-wide installation served: those seen under it, except any with an
        installation of their own, and the organisation's id (older data may be under it)."""
        teams = await asyncio.to_thread(self._teams.teams, enterprise_id=enterprise_id)
        own = []
        if self._installations is not None:
            for team in teams:
                bot = await self._installations.async_find_bot(
                    enterprise_id=enterprise_id, team_id=team, is_enterprise_install=False
                )
                if bot is not None:
                    own.append(team)
        return [team for team in teams if team not in own] + [enterprise_id]

    async def _erase_all(self, workspace_ids: Sequence[str]) -> None:
        for workspace_id in filter(None, workspace_ids):
            await self._erase(Workspace(Platform.SLACK, workspace_id))
            self._noted = {noted for noted in self._noted if noted[0] != workspace_id}


def _team(body: dict[str, Any], context: AsyncBoltContext) -> str | None:
    """The request's team; an org-wide installation's events name it only in the envelope."""
    envelope_team = body.get("team_id") if body.get("type") == "event_callback" else None
    return context.team_id or (envelope_team if isinstance(envelope_team, str) else None)
