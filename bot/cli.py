"""The `buddy` command: console, run, worker, migrate, outbox, and each platform's own."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import secrets
import signal
import sys
import tempfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

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
from bot.core.ports import OutboxStatus
from bot.observability import configure_logging
from bot.plugins import MissingSetting, Plugin, plugins
from bot.store.database import upgrade_to_head
from bot.store.secrets import MAKE_A_KEY, SecretKeyError, parse_keys
from bot.web.first_visit import PagesOnFirstVisit

if TYPE_CHECKING:
    from bot.web.server import WebPages


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
    pages = await _console_pages(buddy)
    try:
        await read_eval_print(session, screen, sys.stdin, tour=tour)
    finally:
        await ticker.stop()
        if pages is not None:
            await pages.cleanup()
    await delivery.deliver_due()


async def _console_pages(buddy: Buddy) -> PagesOnFirstVisit | None:
    """The web pages (`dashboard`, `me`) served in the console's own process, on a free port
    of this machine only: their links then start http://localhost:<that port>. Their server
    and code (templates, charts) load when one is first opened, so the prompt comes sooner."""
    if buddy.links is None:
        return None
    pages = PagesOnFirstVisit(buddy.web_pages, host="127.0.0.1")
    buddy.links.base_url = f"http://localhost:{pages.port}"
    return pages


def cmd_console(settings: Settings, args: argparse.Namespace) -> None:
    clock = ConsoleClock()
    user = args.user or settings.buddy_console_user
    organisers = args.organiser or [user]
    demo = tempfile.TemporaryDirectory(prefix="buddy-demo-") if args.demo else None
    with demo or contextlib.nullcontext():
        if demo is not None:  # the tour writes to a database of its own, never yours
            settings = dataclasses.replace(settings, database_url=f"sqlite:///{demo.name}/demo.db")
        # Without BUDDY_SECRET_KEY, links are signed with a key of this session's own.
        keys = () if parse_keys(settings.buddy_secret_key) else (secrets.token_urlsafe(32),)
        buddy = build(settings, clock=clock, link_keys=keys)
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
        pending = e.status is OutboxStatus.PENDING
        due = f" next try {e.next_attempt_at:%Y-%m-%d %H:%M:%S}Z" if pending else ""
        error = f"  last error: {e.last_error}" if e.last_error else ""
        print(
            f"#{e.id} {e.status:<7} {e.platform}/{e.workspace_id} {e.kind} to {e.recipient} "
            f"attempts={e.attempts}{due}{error}"
        )


def cmd_run(settings: Settings, args: argparse.Namespace) -> None:
    every = plugins()
    chosen = [plugin for plugin in every if plugin.configured(settings)]
    if not chosen:
        raise MissingSetting(
            f"None of {_credentials(every)} is set. "
            "Try `buddy console` (no tokens needed), or see the README to create an app."
        )
    for plugin in chosen:
        plugin.check_serve(settings)
    asyncio.run(run_platforms(build(settings), chosen))


async def run_platforms(buddy: Buddy, chosen: Sequence[Plugin]) -> None:
    """The chosen platforms on one event loop; the first one's ticker serves them all."""
    if len(chosen) == 1:
        await chosen[0].serve(buddy)
        return
    try:
        async with asyncio.TaskGroup() as tasks:
            for number, plugin in enumerate(chosen):
                tasks.create_task(plugin.serve(buddy, tick=None if number == 0 else False))
    except* MissingSetting as refused:
        raise refused.exceptions[0] from None


def cmd_web(settings: Settings, args: argparse.Namespace) -> None:
    buddy = build(settings)
    pages = buddy.web_pages()
    if pages is None:
        raise MissingSetting(
            "`buddy web` serves the pages that `dashboard` and `me` link to, signed with "
            "BUDDY_SECRET_KEY: set it, the same in every process. Make one with\n"
            f"  {MAKE_A_KEY}"
        )
    asyncio.run(serve_web(pages, host=settings.buddy_host, port=settings.port))


async def serve_web(pages: WebPages, *, host: str, port: int) -> None:
    """Until Ctrl-C or SIGTERM."""
    from bot.web.serve import start_pages

    runner, bound = await start_pages(pages, host=host, port=port)
    print(f"Serving the dashboard and member pages on port {bound}.")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def cmd_worker(settings: Settings, args: argparse.Namespace) -> None:
    every = plugins()
    chosen = [plugin for plugin in every if plugin.configured(settings)]
    if not chosen:
        names = " or ".join(plugin.name for plugin in every)
        raise MissingSetting(f"The worker delivers to {names}: set {_credentials(every)}.")
    for plugin in chosen:
        plugin.check_worker(settings)
    asyncio.run(run_worker(build(settings)))


def _credentials(every: Sequence[Plugin]) -> str:
    return " or ".join(plugin.credentials for plugin in every)


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
    for plugin in plugins():
        plugin.add_commands(sub)
    sub.add_parser("run", help="run every platform that has tokens, with the ticker").set_defaults(
        run=cmd_run
    )
    sub.add_parser("worker", help="tick and deliver (no chat adapter)").set_defaults(run=cmd_worker)
    sub.add_parser(
        "web", help="serve the dashboard and member pages (Discord-only deployments)"
    ).set_defaults(run=cmd_web)
    sub.add_parser("migrate", help="upgrade the database to the newest schema").set_defaults(
        run=cmd_migrate
    )
    outbox = sub.add_parser("outbox", help="list pending and dead-lettered messages")
    outbox.add_argument(
        "--status",
        nargs="+",
        type=OutboxStatus,
        default=[OutboxStatus.PENDING, OutboxStatus.DEAD],
        choices=list(OutboxStatus),
    )
    outbox.add_argument("--limit", type=int, default=50)
    outbox.set_defaults(run=cmd_outbox)
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
