"""The listeners: /buddy, its forms, buttons, the App Home and app events."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.listener.async_builtins import AsyncTokenRevocationListeners
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.forms import FORM_COMMANDS, command_form, read_form, with_names
from bot.adapters.slack.people import Expiring, People
from bot.adapters.slack.render import (
    ACTION_ID,
    OTHER_BLOCK,
    SELECT_BLOCK,
    CommandText,
    command_channel_name,
    home_view,
    read_command_text,
    render,
    result_modal,
)
from bot.adapters.slack.serve import WebEdge, ack_sent, signed_request
from bot.adapters.slack.workspaces import WorkspaceGuard
from bot.commands.base import ActionInput, CommandInput
from bot.commands.parsing import input_refusal
from bot.commands.replies import oops_reply
from bot.commands.service import CommandService
from bot.core.errors import withheld
from bot.core.identity import Channel, Member, Platform, Workspace
from bot.core.message import Message, text_message

log = logging.getLogger(__name__)

# The App Home shows the replies of these commands, so its rules stay in the core.
HOME_COMMANDS = ("promises", "follow-ups", "stats", "settings")


class Listeners(WebEdge):
    """What Bolt calls: /buddy, the promise form, buttons, the Home tab and app events."""

    people: People
    guard: WorkspaceGuard
    _service: CommandService
    _revocations: AsyncTokenRevocationListeners | None
    _home_viewers: Expiring[Member, bool]
    _tasks: set[asyncio.Task[None]]

    async def _on_home_opened(
        self, event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await ack_sent(context)
        if event.get("tab", "home") == "home" and isinstance(event.get("user"), str):
            await self.publish_home(client, _member(context, event["user"]))

    async def _on_uninstalled(self, context: AsyncBoltContext) -> None:
        await self.guard.uninstalled(context)
        if self._revocations is not None:
            await self._revocations.handle_app_uninstalled_events(context)

    async def _on_tokens_revoked(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if event.get("tokens", {}).get("bot"):  # the bot can no longer act there: as uninstalled
            await self.guard.uninstalled(context)
        if self._revocations is not None:
            await self._revocations.handle_tokens_revoked_events(event, context)

    async def _erase_workspace(self, workspace: Workspace) -> None:
        await asyncio.to_thread(self._ports.workspaces.erase, workspace)
        self.people.forget_workspace(workspace.workspace_id)
        self._home_viewers.forget(lambda member: member.workspace_id != workspace.workspace_id)
        log.info("erased an uninstalled workspace", extra={"workspace": workspace.workspace_id})

    # -- /buddy: answered in the ack when ready within the budget, else through response_url --

    async def _on_command(
        self,
        ack: Callable[..., Awaitable[Any]],
        body: dict[str, Any],
        respond: Callable[..., Awaitable[Any]],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        member = _member(context, body["user_id"])
        channel_id = str(body.get("channel_id", ""))
        form = self._service.spec(body.get("text", "").strip().lower(), among=FORM_COMMANDS)
        if form is not None and body.get("trigger_id"):
            await ack()  # the form opens at once: its trigger_id expires in 3 s
            await ack_sent(context)
            if not await self._replayed(context):
                await client.views_open(
                    trigger_id=body["trigger_id"], view=command_form(form, channel_id=channel_id)
                )
            return

        async def answer() -> Message | None:
            """The reply, committed with all it queued and the request's record (None for a
            replay: nothing ran)."""
            try:
                line = read_command_text(body.get("text", ""))
                return await self._run(client, member, channel_id, line, body, context=context)
            except Exception as error:  # the database gone, say: a kind word all the same
                log.error("Slack command failed", exc_info=withheld(error))
                return oops_reply()

        # The work runs once, whether or not it beats the budget, and this one coroutine alone
        # decides where its reply goes: in the ack, or (once acked empty) to response_url.
        work = asyncio.ensure_future(answer())
        done, _ = await asyncio.wait({work}, timeout=self.config.ack_budget)
        if work in done:
            reply = work.result()
            await (ack() if reply is None else ack(**_private(reply)))
            await ack_sent(context)
            if reply is not None:
                await self._changed(client, member, reply=None)
            return
        await ack()
        await ack_sent(context)
        late = await work
        if late is not None:
            await self._changed(client, member, reply=respond(**_private(late)))

    async def _run(
        self,
        client: AsyncWebClient,
        member: Member,
        channel_id: str,
        line: CommandText,
        body: dict[str, Any],
        *,
        context: AsyncBoltContext,
    ) -> Message | None:
        """The command's reply; None when its signed request ran before (nothing runs)."""
        person = await self.people.get(client, member, fallback=str(body.get("user_name", "")))
        names = dict(line.names)
        # A line the service will refuse anyway (too long, too many people) costs no lookups.
        unnamed = line.unnamed if input_refusal(line.text) is None else ()
        for user_id in unnamed:
            mentioned = Member(Platform.SLACK, member.workspace_id, user_id)
            names[user_id] = (await self.people.get(client, mentioned)).name
        command = CommandInput(
            text=line.text,
            invoker=member,
            channel=_channel(member, channel_id),
            channel_name=command_channel_name(body),
            invoker_name=person.name,
            mentions=line.mentions(member.workspace_id, names),
            args=with_names(line.args, names),
            platform_timezone=person.timezone,
            is_organiser=person.is_admin,
        )
        once = signed_request(context)
        if once is None:
            return await asyncio.to_thread(self._service.run, command)
        return await asyncio.to_thread(self._service.run_once, command, once=once)

    async def _on_form(
        self,
        ack: Callable[..., Awaitable[Any]],
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        member = _member(context, body["user"]["id"])
        command, _, channel_id = view.get("private_metadata", "").partition(" ")
        form = self._service.spec(command, among=FORM_COMMANDS)
        line = None if form is None else read_form(form, view["state"]["values"])
        errors = {} if line is None else await self._field_errors(client, member, line, body)
        if errors:  # shown beside their fields; the form stays open and nothing is saved
            await ack(response_action="errors", errors=errors)
            await ack_sent(context)
            return
        await ack(response_action="update", view=result_modal(text_message("Saving…")))
        await ack_sent(context)
        if line is None:
            return
        reply = await self._run(client, member, channel_id, line, body, context=context)
        if reply is None:
            return
        await self._changed(
            client, member, reply=client.views_update(view_id=view["id"], view=result_modal(reply))
        )

    async def _field_errors(
        self, client: AsyncWebClient, member: Member, line: CommandText, body: dict[str, Any]
    ) -> dict[str, str]:
        person = await self.people.get(client, member, fallback=str(body["user"].get("name", "")))
        check = CommandInput(
            text=line.text, invoker=member, args=line.args, platform_timezone=person.timezone
        )
        return await asyncio.to_thread(self._service.field_errors, check)

    # -- buttons: every core choice, routed by its action id --

    async def _on_press(
        self,
        ack: Callable[..., Awaitable[Any]],
        body: dict[str, Any],
        action: dict[str, Any],
        respond: Callable[..., Awaitable[Any]],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        await ack_sent(context)
        match = ACTION_ID.match(action.get("action_id", ""))
        if match is None:
            return
        member = _member(context, body["user"]["id"])
        person = await self.people.get(client, member, fallback=body["user"].get("name", ""))
        picked, typed = None, None
        payload = str(action.get("value", ""))
        if action.get("type") == "multi_static_select":  # its payload rides on its block
            picked = tuple(str(o.get("value", "")) for o in action.get("selected_options") or ())
            payload = str(action.get("block_id", "")).removeprefix(SELECT_BLOCK)
        elif action.get("type") == "plain_text_input":  # a select's free-text field, likewise
            typed = str(action.get("value") or "")  # null when sent empty
            payload = str(action.get("block_id", "")).removeprefix(OTHER_BLOCK)
        press = ActionInput(
            action=match.group("action"),
            payload=payload,
            picked=picked,
            typed=typed,
            invoker=member,
            channel=_channel(member, str((body.get("channel") or {}).get("id", ""))),
            invoker_name=person.name,
            platform_timezone=person.timezone,
            is_organiser=person.is_admin,
        )
        once = signed_request(context)
        if once is None:
            reply: Message | None = await asyncio.to_thread(self._service.press, press)
        else:
            reply = await asyncio.to_thread(self._service.press_once, press, once=once)
        if reply is None:
            return
        if (body.get("view") or {}).get("type") == "home":  # no response_url: the Home shows it
            await self._changed(
                client, member, reply=self.publish_home(client, member, notice=reply), home=False
            )
            return
        await self._changed(
            client, member, reply=respond(replace_original=False, **_private(reply))
        )

    # -- App Home --

    async def publish_home(
        self, client: AsyncWebClient, member: Member, *, notice: Message | None = None
    ) -> None:
        person = await self.people.get(client, member)
        sections = [
            await asyncio.to_thread(
                self._service.run,
                CommandInput(
                    text=command,
                    invoker=member,
                    invoker_name=person.name,
                    platform_timezone=person.timezone,
                ),
            )
            for command in HOME_COMMANDS
        ]
        await client.views_publish(user_id=member.user_id, view=home_view(sections, notice=notice))
        self._home_viewers.put(member, True)

    async def _changed(
        self,
        client: AsyncWebClient,
        member: Member,
        *,
        reply: Awaitable[Any] | None,
        home: bool = True,
    ) -> None:
        """Send the reply (None: it went in the ack); refresh the member's Home tab and deliver
        what the work queued."""
        if home and self._home_viewers.get(member):
            # Started first, so it is under way (and awaited by `settle`) by the reply.
            self._in_background(self.publish_home(client, member))
        if reply is not None:
            await reply
        if self._ports.after_change is not None:
            await self._ports.after_change()

    def _in_background(self, work: Awaitable[None]) -> None:
        async def guarded() -> None:
            try:
                await work
            except Exception:
                log.exception("Slack background work failed")

        task = asyncio.create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def settle(self) -> None:
        """Wait for background work (Home refreshes); for tests and shutdown."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


def _workspace(context: AsyncBoltContext) -> Workspace:
    """The workspace a request comes from (an org-wide install has only an enterprise id)."""
    return Workspace(Platform.SLACK, context.team_id or context.enterprise_id or "")


def _member(context: AsyncBoltContext, user_id: str) -> Member:
    return Member(Platform.SLACK, _workspace(context).workspace_id, user_id)


def _private(reply: Message) -> dict[str, Any]:
    return {"response_type": "ephemeral", **render(reply).as_kwargs()}


def _channel(member: Member, channel_id: str) -> Channel | None:
    """A conversation the command came from; a DM with the bot ("D…") is no channel."""
    if not channel_id or channel_id.startswith("D"):
        return None
    return Channel(Platform.SLACK, member.workspace_id, channel_id)
