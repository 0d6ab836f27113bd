"""The `buddy` command: console, slack, discord, run, worker, migrate, outbox, rotate-secrets."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence

from bot.adapters.console import (
    ConsoleClock,
    ConsoleMessenger,
    ConsoleScreen,
    ConsoleSession,
    read_eval_print,
)
from bot.app import Buddy, build
from bot.config import ConfigError, Settings, load_settings
from bot.core.identity import Platform
from bot.observability import configure_logging
from bot.store.database import upgrade_to_head
from bot.store.secrets import MAKE_A_KEY, SecretKeyError, parse_keys

SLACK_HELP = "Create a Slack app (README, “Create the Slack app”) and copy it from its settings."
DISCORD_HELP = "Create a Discord application (README, “Create the Discord bot”): Bot → Token."
SECRET_KEY_HELP = (
    "BUDDY_SECRET_KEY not set: with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (many workspaces) "
    "each workspace's bot token is stored encrypted with it. Make one with\n"
    f"  {MAKE_A_KEY}\n"
    "and set BUDDY_SECRET_KEY to it in every process (keep it safe: the stored tokens "
    "cannot be read without it)."
)


class MissingSetting(Exception):
    pass


def _require(settings: Settings, *names: str, where: str) -> None:
    missing = [name.upper() for name in names if not getattr(settings, name)]
    if missing:
        raise MissingSetting(f"{' and '.join(missing)} not set. {where}")


async def run_console(
    buddy: Buddy, *, clock: ConsoleClock, user: str, organisers: Sequence[str], tour: bool
) -> None:
    screen = ConsoleScreen()
    delivery = buddy.delivery({Platform.CONSOLE: ConsoleMessenger(screen)})
    # Reminders, nudges and digests show up live, between the lines you type (or `wait`).
    ticker = buddy.ticker(after_tick=delivery.deliver_due)
    session = ConsoleSession(
        service=buddy.service,
        screen=screen,
        user=user,
        after_each=delivery.deliver_due,
        clock=clock,
        tick=ticker.tick,
        organisers=organisers,
    )
    ticker.start(buddy.settings.buddy_tick_seconds)
    try:
        await read_eval_print(session, screen, sys.stdin, tour=tour)
    finally:
        await ticker.stop()
    await delivery.deliver_due()


def cmd_console(settings: Settings, args: argparse.Namespace) -> None:
    clock = ConsoleClock()
    user = args.user or settings.buddy_console_user
    organisers = args.organiser or [user]
    demo = tempfile.TemporaryDirectory(prefix="buddy-demo-") if args.demo else None
    with demo or contextlib.nullcontext():
        if demo is not None:  # the tour writes to a database of its own, never yours
            settings = settings.model_copy(
                update={"database_url": f"sqlite:///{demo.name}/demo.db"}
            )
        buddy = build(settings, clock=clock)
        asyncio.run(
            run_console(buddy, clock=clock, user=user, organisers=organisers, tour=args.demo)
        )
        buddy.engine.dispose()


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> None:
    buddy = build(settings, migrate=False)
    upgrade_to_head(buddy.engine)
    print("Database is at the newest schema.")


def cmd_outbox(settings: Settings, args: argparse.Namespace) -> None:
    buddy = build(settings)
    counts = buddy.outbox_queue.counts(statuses=args.status)
    entries = buddy.outbox_queue.entries(statuses=args.status, limit=args.limit)
    more = f" (the oldest {len(entries)} below)" if len(entries) < sum(counts.values()) else ""
    print(", ".join(f"{counts.get(status, 0)} {status}" for status in args.status) + more)
    for e in entries:
        due = f" next try {e.next_attempt_at:%Y-%m-%d %H:%M:%S}Z" if e.status == "pending" else ""
        error = f"  last error: {e.last_error}" if e.last_error else ""
        print(
            f"#{e.id} {e.status:<7} {e.platform}/{e.workspace_id} {e.kind} to {e.recipient} "
            f"attempts={e.attempts}{due}{error}"
        )


def _multi_workspace(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


def _check_secret_key(settings: Settings) -> None:
    if _multi_workspace(settings) and not parse_keys(settings.buddy_secret_key):
        raise MissingSetting(SECRET_KEY_HELP)


def _check_slack(settings: Settings) -> None:
    if not _multi_workspace(settings):
        _require(settings, "slack_bot_token", where=SLACK_HELP)
    _check_secret_key(settings)
    if not settings.slack_app_token:  # HTTP mode: Slack's requests must be verified
        _require(settings, "slack_signing_secret", where=SLACK_HELP)


def cmd_slack(settings: Settings, args: argparse.Namespace) -> None:
    from bot.app import serve_slack

    _check_slack(settings)
    with _slack_refusals():
        asyncio.run(serve_slack(build(settings)))


@contextlib.contextmanager
def _slack_refusals() -> Iterator[None]:
    """Slack refusing the bot's token at start, as a clear message (also from a task group)."""
    from bot.adapters.slack.workspaces import SlackTokenGone

    try:
        yield
    except* SlackTokenGone as refused:
        first = refused.exceptions[0]
        code = first.code if isinstance(first, SlackTokenGone) else "refused"
        raise MissingSetting(
            f"Slack refused SLACK_BOT_TOKEN ({code}): the app was uninstalled or its token "
            f"revoked, so the data of its workspace has been erased. {SLACK_HELP}"
        ) from None


def cmd_rotate_secrets(settings: Settings, args: argparse.Namespace) -> None:
    from bot.app import rotate_secrets

    if not parse_keys(settings.buddy_secret_key):
        raise MissingSetting(SECRET_KEY_HELP)
    changed = asyncio.run(rotate_secrets(build(settings)))
    print(
        f"{changed} stored Slack installation rows re-encrypted with the first key of "
        "BUDDY_SECRET_KEY; every token now opens with that key alone."
    )


def cmd_discord(settings: Settings, args: argparse.Namespace) -> None:
    from discord import LoginFailure

    from bot.app import serve_discord, sync_discord

    _require(settings, "discord_token", where=DISCORD_HELP)
    buddy = build(settings)
    try:
        if getattr(args, "discord_action", None) == "sync":
            count = asyncio.run(sync_discord(buddy, guild_id=args.guild))
            where = f"in guild {args.guild} (visible at once)" if args.guild else "globally"
            print(f"Registered /buddy with {count} subcommands {where}.")
        else:
            asyncio.run(serve_discord(buddy, sharded=getattr(args, "sharded", False)))
    except LoginFailure:
        raise MissingSetting(f"Discord refused DISCORD_TOKEN. {DISCORD_HELP}") from None


def cmd_run(settings: Settings, args: argparse.Namespace) -> None:
    slack = bool(settings.slack_bot_token or settings.slack_client_id)
    if not (slack or settings.discord_token):
        raise MissingSetting(
            "Neither SLACK_BOT_TOKEN nor DISCORD_TOKEN is set. "
            "Try `buddy console` (no tokens needed), or see the README to create an app."
        )
    if slack:
        _check_slack(settings)
    if not settings.discord_token:
        cmd_slack(settings, args)
    elif not slack:
        cmd_discord(settings, args)
    else:
        with _slack_refusals():
            asyncio.run(run_both(build(settings)))


async def run_both(buddy: Buddy) -> None:
    """Slack and Discord on one event loop; one ticker serves both."""
    from bot.app import serve_discord, serve_slack

    async with asyncio.TaskGroup() as tasks:
        tasks.create_task(serve_slack(buddy))
        tasks.create_task(serve_discord(buddy, tick=False))


def cmd_worker(settings: Settings, args: argparse.Namespace) -> None:
    if not (settings.slack_bot_token or settings.slack_client_id or settings.discord_token):
        raise MissingSetting(
            "The worker delivers to Slack or Discord: set SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and "
            "SLACK_CLIENT_SECRET) or DISCORD_TOKEN."
        )
    if settings.slack_client_id and not settings.slack_client_secret:
        _require(settings, "slack_client_secret", where=SLACK_HELP)
    _check_secret_key(settings)
    asyncio.run(run_worker(build(settings)))


async def run_worker(buddy: Buddy) -> None:
    """Until SIGTERM or Ctrl-C, which let the sends under way finish first."""
    from bot.app import serve_worker, worker_messengers

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    async with contextlib.AsyncExitStack() as stack:
        messengers = await worker_messengers(buddy, stack)
        await serve_worker(buddy, messengers, stop=stop)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="buddy",
        description="Networking Buddy: remembers who you met and what you promised them.",
    )
    top.add_argument("-v", "--verbose", action="store_true", help="log what the bot does")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    console = sub.add_parser("console", help="try the bot in this terminal (no tokens needed)")
    console.add_argument("--user", help="who you are in the console (default: me)")
    console.add_argument(
        "--organiser",
        action="append",
        metavar="NAME",
        help="who may run organiser commands (pairing, prompts); repeat for several "
        "(default: you; `organisers @a @b` changes it in the console)",
    )
    console.add_argument(
        "--demo", action="store_true", help="a guided tour first, on a throwaway database"
    )
    console.set_defaults(run=cmd_console)
    sub.add_parser("slack", help="run on Slack (Socket Mode or HTTP)").set_defaults(run=cmd_slack)
    discord = sub.add_parser("discord", help="run on Discord (`discord sync` registers /buddy)")
    discord.add_argument(
        "discord_action",
        nargs="?",
        choices=["sync"],
        metavar="sync",
        help="register the /buddy commands with Discord, then exit",
    )
    discord.add_argument("--guild", type=int, help="sync: register in this guild only, at once")
    discord.add_argument("--sharded", action="store_true", help="run with AutoShardedClient")
    discord.set_defaults(run=cmd_discord)
    sub.add_parser("run", help="run every platform that has tokens, with the ticker").set_defaults(
        run=cmd_run
    )
    sub.add_parser("worker", help="tick and deliver (no chat adapter)").set_defaults(run=cmd_worker)
    sub.add_parser("migrate", help="upgrade the database to the newest schema").set_defaults(
        run=cmd_migrate
    )
    outbox = sub.add_parser("outbox", help="list pending and dead-lettered messages")
    outbox.add_argument(
        "--status", nargs="+", default=["pending", "dead"], choices=["pending", "dead", "sent"]
    )
    outbox.add_argument("--limit", type=int, default=50)
    outbox.set_defaults(run=cmd_outbox)
    sub.add_parser(
        "rotate-secrets",
        help="re-encrypt stored Slack tokens with the first key of BUDDY_SECRET_KEY",
    ).set_defaults(run=cmd_rotate_secrets)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(log_format=settings.buddy_log_format, verbose=args.verbose)
        args.run(settings, args)
    except (ConfigError, MissingSetting, SecretKeyError) as problem:
        print(f"buddy: {problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
