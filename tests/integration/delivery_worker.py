"""A delivery worker process for the multi-process tests: the real Delivery on a real database,
with a messenger that appends each delivered message to a shared file.

    python -m tests.integration.delivery_worker --url URL --out FILE [--lease S] [--block-on TEXT]

Each line of FILE is `<pid> <event> <recipient> <text>`, appended with O_APPEND so lines from
several processes never interleave; events are `start` (a send began) and `sent`. A message
whose text is `--block-on` never finishes sending: the process hangs there until killed.
SIGTERM stops the worker gracefully. It prints "ready" once it is polling.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

from bot.core.clock import SystemClock
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message
from bot.delivery import Delivery, Pace, RetryPolicy, run_delivery
from bot.store.database import make_engine, make_session_factory
from bot.store.outbox_queue import SqlOutboxQueue


class FileMessenger:
    def __init__(self, path: str, *, delay: float, block_on: str | None) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._delay = delay
        self._block_on = block_on

    async def send_dm(self, member: Member, message: Message) -> None:
        text = message.plain_text()
        self._write("start", member.user_id, text)
        if text == self._block_on:
            time.sleep(3600)  # claimed, never sent, the whole process stuck: the test kills it
        await asyncio.sleep(self._delay)
        self._write("sent", member.user_id, text)

    async def post(self, channel: Channel, message: Message) -> None:
        raise NotImplementedError

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
        raise NotImplementedError

    def _write(self, event: str, recipient: str, text: str) -> None:
        os.write(self._fd, f"{os.getpid()} {event} {recipient} {text}\n".encode())


async def work(args: argparse.Namespace) -> None:
    engine = make_engine(args.url)
    messenger = FileMessenger(args.out, delay=args.delay, block_on=args.block_on)
    delivery = Delivery(
        queue=SqlOutboxQueue(make_session_factory(engine)),
        messengers={Platform.SLACK: messenger},
        clock=SystemClock(),
        retry=RetryPolicy(
            lease=timedelta(seconds=args.lease), send_timeout=args.lease / 2, batch=args.batch
        ),
        pacing={Platform.SLACK: Pace(concurrency=args.concurrency)},
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await run_delivery(delivery, interval=0.05, stop=stop)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--lease", type=float, default=60.0)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--block-on")
    asyncio.run(work(parser.parse_args()))


if __name__ == "__main__":
    main()
