"""The command service: one transaction per command or button press, effects into the outbox."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from dataclasses import replace

from bot.commands.base import (
    ActionInput,
    ActionSpec,
    AnySpec,
    CommandInput,
    Context,
    ParseEnv,
)
from bot.commands.names import by_name, find_command
from bot.commands.parsing import clean_input, input_refusal
from bot.commands.replies import error_reply, oops_reply, with_timezone_hint
from bot.commands.typed import cleaned_args, from_args
from bot.commands.when import is_timezone
from bot.core.clock import Clock
from bot.core.errors import UserError, withheld
from bot.core.identity import Channel, Member
from bot.core.message import Message, command, paragraph, text_plain
from bot.core.policy import Policy
from bot.core.ports import Metrics, NoMetrics, SignedRequest, UnitOfWorkFactory
from bot.core.records import Profile
from bot.core.web_links import LinkIssuer, organiser

log = logging.getLogger(__name__)

SLASH_PREFIX = "/buddy"


class CommandService:
    """Runs commands and button presses; what the member reads comes back, the rest is queued."""

    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        commands: tuple[AnySpec, ...],
        actions: tuple[ActionSpec, ...],
        policy: Policy | None = None,
        metrics: Metrics | None = None,
        links: LinkIssuer | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._metrics = metrics or NoMetrics()
        self._clock = clock
        self._policy = policy or Policy()
        self._commands = by_name(commands)
        self._actions = {spec.action: spec for spec in actions}
        self._links = links

    @property
    def commands(self) -> tuple[AnySpec, ...]:
        """Every command this service runs, once each (for adapters that list them)."""
        return tuple({id(spec): spec for spec in self._commands.values()}.values())

    def spec(self, name: str, *, among: Collection[str]) -> AnySpec | None:
        """The command called `name` (not an alias), if it is one of `among`."""
        spec = self._commands.get(name)
        return spec if spec is not None and spec.name == name and name in among else None

    def timezone_of(self, member: Member, *, platform_timezone: str | None = None) -> str:
        """The zone `member` reads times in: the one they chose, else the platform's (as a
        command of theirs would see it), for what an adapter prints with a time of its own."""
        with self._uow_factory() as uow:
            stored = uow.profiles.get(member)
        profile = _current_profile(stored, member, name="", platform_timezone=platform_timezone)
        return profile.timezone

    def field_errors(self, cmd: CommandInput) -> dict[str, str]:
        """Typed values the command would refuse, by the field each refusal is about, found
        before anything is done (a form shows them beside their fields); empty when none is."""
        cmd = _cleaned(cmd)
        if cmd.args is None:
            return {}
        try:
            spec = self._find(cmd.text)
            with self._uow_factory() as uow:
                stored = uow.profiles.get(cmd.invoker)
            profile = _current_profile(
                stored, cmd.invoker, name="", platform_timezone=cmd.platform_timezone
            )
            env = ParseEnv(
                now=self._clock.now(),
                timezone=profile.timezone,
                invoker=cmd.invoker,
                mentions=cmd.mentions,
            )
            from_args(spec, cmd.args, env)
        except UserError as error:
            return {error.field: text_plain(error.message)} if error.field else {}
        except Exception as error:  # `run` meets it again, and answers it kindly
            log.warning("checking a form failed", exc_info=withheld(error))
        return {}

    def run(self, cmd: CommandInput) -> Message:
        reply = self._run(cmd, once=None)
        assert reply is not None  # only a replay answers nothing
        return reply

    def run_once(self, cmd: CommandInput, *, once: SignedRequest) -> Message | None:
        """`run`, unless the signed request `once` already ran it: then nothing runs and None
        comes back. The request is recorded in the command's own transaction."""
        return self._run(cmd, once=once)

    def _run(self, cmd: CommandInput, *, once: SignedRequest | None) -> Message | None:
        started = time.perf_counter()
        cmd = _cleaned(cmd)  # every platform's input passes here: text lines and typed values
        name = "unknown"  # what was typed is never logged: only a known command's name
        try:
            head, rest = self._split(cmd.text) if cmd.args is None else (cmd.text, "")
            spec = self._find(head)
            name = spec.name
            if spec.needs_channel and cmd.channel is None:
                raise UserError(
                    (
                        command(spec.name),
                        " works in a channel: run it there, not in a direct message.",
                    )
                )

            def work(ctx: Context) -> Message:
                env = ParseEnv(
                    now=ctx.now,
                    timezone=ctx.profile.timezone,
                    invoker=cmd.invoker,
                    mentions=cmd.mentions,
                )
                request = (
                    spec.parse(rest, env) if cmd.args is None else from_args(spec, cmd.args, env)
                )
                return with_timezone_hint(spec.handle(ctx, request), request, profile=ctx.profile)

            reply = self._transact(
                invoker=cmd.invoker,
                invoker_name=cmd.invoker_name,
                channel=cmd.channel,
                channel_name=cmd.channel_name,
                platform_timezone=cmd.platform_timezone,
                is_organiser=cmd.is_organiser,
                work=work,
                once=once,
            )
            if reply is None:
                return None  # a replay: nothing ran, nothing to report
            outcome = "ok"
        except UserError as error:
            reply, outcome = error_reply(error), "refused"
        except Exception as error:
            log.error(
                "command failed",
                exc_info=withheld(error),
                extra={"workspace": cmd.invoker.workspace_id},
            )
            reply, outcome = oops_reply(), "error"
        self._report(cmd.invoker, kind="command", name=name, outcome=outcome, started=started)
        return reply

    def press(self, act: ActionInput) -> Message:
        reply = self._press(act, once=None)
        assert reply is not None  # only a replay answers nothing
        return reply

    def press_once(self, act: ActionInput, *, once: SignedRequest) -> Message | None:
        """`press`, unless the signed request `once` already ran it (then None, as `run_once`)."""
        return self._press(act, once=once)

    def _press(self, act: ActionInput, *, once: SignedRequest | None) -> Message | None:
        started = time.perf_counter()
        act = replace(
            act, payload=clean_input(act.payload), invoker_name=clean_input(act.invoker_name)
        )
        spec = self._actions.get(act.action)
        if spec is None:
            self._report(
                act.invoker, kind="button", name="unknown", outcome="refused", started=started
            )
            return error_reply(UserError("That button no longer does anything here."))
        try:
            reply: Message | None = self._transact(
                invoker=act.invoker,
                invoker_name=act.invoker_name,
                channel=act.channel,
                platform_timezone=act.platform_timezone,
                is_organiser=act.is_organiser,
                work=lambda ctx: _answer(spec, ctx, act),
                once=once,
            )
            if reply is None:
                return None  # a replay: nothing ran, nothing to report
            outcome = "ok"
        except UserError as error:
            reply, outcome = error_reply(error), "refused"
        except Exception as error:
            log.error(
                "button failed",
                exc_info=withheld(error),
                extra={"workspace": act.invoker.workspace_id},
            )
            reply, outcome = oops_reply(), "error"
        self._report(act.invoker, kind="button", name=spec.action, outcome=outcome, started=started)
        return reply

    def _report(
        self, invoker: Member, *, kind: str, name: str, outcome: str, started: float
    ) -> None:
        """One structured line per command or press: who-less and text-less by design."""
        seconds = time.perf_counter() - started
        platform = invoker.platform.value
        log.info(
            "%s %s %s in %.1f ms",
            kind,
            name,
            outcome,
            seconds * 1000,
            extra={
                "platform": platform,
                "workspace": invoker.workspace_id,
                "kind": kind,
                "command": name,
                "outcome": outcome,
                "latency_ms": round(seconds * 1000, 1),
            },
        )
        self._metrics.command(platform=platform, outcome=outcome, seconds=seconds)

    def _split(self, text: str) -> tuple[str, str]:
        text = text.strip()
        head = text.split(maxsplit=1)[0].lower() if text else ""
        if head == SLASH_PREFIX:
            text = text[len(SLASH_PREFIX) :].strip()
        refusal = input_refusal(text)
        if refusal is not None:
            raise refusal
        if not text:
            return "help", ""
        head, _, rest = text.partition(" ")
        return head.lower(), rest.strip()

    def _find(self, name: str) -> AnySpec:
        return find_command(self._commands, name, unknown="I don't know the command")

    def _transact(
        self,
        *,
        invoker: Member,
        invoker_name: str,
        channel: Channel | None,
        channel_name: str = "",
        platform_timezone: str | None,
        is_organiser: bool,
        work: Callable[[Context], Message],
        once: SignedRequest | None = None,
    ) -> Message | None:
        now = self._clock.now()
        with self._uow_factory() as uow:
            # First, so a replay arriving meanwhile waits for this transaction, then runs nothing.
            if once is not None and not uow.requests.first_seen(
                once.digest, signed_at=once.signed_at
            ):
                log.info("dropped a replayed request")
                return None
            stored = uow.profiles.get(invoker)
            profile = _current_profile(
                stored, invoker, name=invoker_name, platform_timezone=platform_timezone
            )
            said = organiser(profile.organiser, said=is_organiser, in_channel=channel is not None)
            if said != profile.organiser:  # saved with the profile, so a link's opening sees it
                profile = replace(profile, organiser=said)
            ctx = Context(
                uow=uow,
                invoker=invoker,
                profile=profile,
                now=now,
                policy=self._policy,
                channel=channel,
                channel_name=channel_name,
                is_organiser=is_organiser,
                links=self._links,
            )
            reply = _with_undelivered_notice(work(ctx), uow.outbox.take_undelivered(invoker))
            # Saved only when changed, so concurrent commands can't undo each other's settings.
            if ctx.keep_profile and ctx.profile != stored:
                uow.profiles.save(ctx.profile, now=now, since=stored)
            ctx.outgoing.queue(uow)
            uow.commit()
            return reply


def _answer(spec: ActionSpec, ctx: Context, act: ActionInput) -> Message:
    """A press runs the spec's handler; a pick (typed values) runs its `pick`, and text typed in
    a pick's free-text field its `other`: both in one transaction, if one answer gives both."""
    if act.picked is None and act.typed is None:
        return spec.handle(ctx, act.payload)
    replies: list[Message] = []
    if act.picked is not None:
        if spec.pick is None:
            raise UserError("That button no longer does anything here.")
        picked = tuple(clean_input(value) for value in act.picked)
        replies.append(spec.pick(ctx, act.payload, picked))
    if act.typed is not None:
        if spec.other is None:
            raise UserError("That button no longer does anything here.")
        replies.append(spec.other(ctx, act.payload, clean_input(act.typed)))
    # One reply: a paragraph both answers end with ("If nothing follows…") comes once, last.
    blocks = [block for reply in replies for block in reply.blocks]
    return Message(tuple(reversed(dict.fromkeys(reversed(blocks)))))


def _cleaned(cmd: CommandInput) -> CommandInput:
    """The command without control characters in anything typed (names from the platform too)."""
    return replace(
        cmd,
        text=clean_input(cmd.text),
        channel_name=clean_input(cmd.channel_name),
        invoker_name=clean_input(cmd.invoker_name),
        mentions={
            key: replace(mention, name=clean_input(mention.name))
            for key, mention in cmd.mentions.items()
        },
        args=None if cmd.args is None else cleaned_args(cmd.args),
    )


def _with_undelivered_notice(reply: Message, undelivered: int) -> Message:
    """Tell a member, once, that DMs to them failed for good: they may not know DMs are closed."""
    if not undelivered:
        return reply
    what = "a message" if undelivered == 1 else f"{undelivered} messages"
    notice = paragraph(
        f"📭 I couldn't DM you: your DMs from this app seem closed — {what} didn't reach you. "
        "Allow direct messages from me, and reminders will reach you again."
    )
    return replace(reply, blocks=(*reply.blocks, notice))


def _current_profile(
    stored: Profile | None, member: Member, *, name: str, platform_timezone: str | None
) -> Profile:
    profile = stored or Profile(member=member, display_name=name or member.user_id)
    if name and name != profile.display_name:
        profile = replace(profile, display_name=name)
    if (
        platform_timezone
        and not profile.timezone_chosen
        and profile.timezone != platform_timezone
        and is_timezone(platform_timezone)
    ):
        profile = replace(profile, timezone=platform_timezone)
    return profile
