"""Discord: time until the member sees the answer to `/buddy promises`, vs a bare discord.py client.

Both clients are real discord.py clients logged in to the same fake Discord (tests/adapters/
discord_fake.py), in this process. Each gets the same INTERACTION_CREATE, interleaved one by one
in one run (the order alternating), with 300 and with 10^5 open promises stored; the figure is
the time from dispatching the interaction until the fake holds the reply (the first response
when the answer was ready within the budget, else the follow-up after a deferral). The same bot
with a budget of 0 (every answer deferred, then followed up, as before the budget) runs beside,
and so does a bare client sending the bot's own reply to Alice, rendered once before the run:
the cost of answering with that message, with no reading and no worker thread.
`python -m bench.discord_ack [--quick]`
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bench._answer_timing import row, run_sizes
from bench._seed import seed_promises
from bot.adapters.discord_bot import make_client
from bot.adapters.discord_bot.render import Outgoing, no_mentions, render
from bot.commands.base import CommandInput
from bot.core.identity import Member, Platform
from tests.adapters.discord_fake import ALICE, GUILD_A, TOKEN, FakeDiscord, discord_world, slash

PER_MEMBER = 10  # open promises each member has
TARGET_RATIO = 1.3  # the target: answer p50 within 1.3x of the bare client's


class BareClient(discord.Client):
    """A discord.py client whose `/buddy promises` answers at once, privately: one line, or
    `reply` (a rendered message, its buttons built afresh each time as the bot does)."""

    def __init__(self, reply: Outgoing | None = None) -> None:
        super().__init__(intents=discord.Intents.none())
        self.tree = app_commands.CommandTree(self)
        group = app_commands.Group(name="buddy", description="Networking Buddy")

        @group.command(name="promises", description="Your open promises")
        async def promises(interaction: discord.Interaction[Any]) -> None:
            if reply is None:
                await interaction.response.send_message("📋 Your open promises", ephemeral=True)
                return
            kwargs = reply.send_kwargs(guild_id=str(GUILD_A.id), allowed_mentions=no_mentions())
            await interaction.response.send_message(ephemeral=True, **kwargs)

        self.tree.add_command(group)


async def seen_after(client: discord.Client, fake: FakeDiscord) -> tuple[float, bool]:
    """Milliseconds from dispatching `/buddy promises` until the fake holds its reply, and
    whether the reply was the interaction's first response (not a deferral's follow-up)."""
    payload = slash(ALICE, "promises")
    token = payload["token"]
    started = time.perf_counter()
    client._connection.parsers["INTERACTION_CREATE"](payload)
    await fake.wait_for(lambda: bool(fake.replies(token)), timeout=10)
    seen = (time.perf_counter() - started) * 1000
    return seen, fake.callbacks[token][0]["type"] == 4


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def one_size(promises: int, *, count: int, warm_up: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        # Alice (who asks) and members enough to hold `promises` between them.
        owners = [str(ALICE.id)] + [
            str(900000000000000000 + m) for m in range(1, promises // PER_MEMBER)
        ]
        seed_promises(
            database_url,
            platform="discord",
            workspace_id=str(GUILD_A.id),
            owners=owners,
            per_member=PER_MEMBER,
        )
        async with discord_world(database_url) as world:
            alice = Member(Platform.DISCORD, str(GUILD_A.id), str(ALICE.id))
            answer = world.client.ports.service.run(CommandInput(text="promises", invoker=alice))
            [reply] = render(answer)
            bare = BareClient()
            same = BareClient(reply)
            # The same bot with no budget: every answer deferred, then followed up, as before.
            late = make_client(world.client.ports, ack_budget=0.0)
            for other in (bare, same, late):
                await other.login(TOKEN)
                for guild in world.fake.guilds:
                    other._connection.parsers["GUILD_CREATE"](guild.create_event())
            clients = (("bare", bare), ("same", same), ("bot", world.client), ("late", late))
            times: dict[str, list[float]] = {name: [] for name, _ in clients}
            direct = 0
            try:
                for i in range(warm_up + count):
                    for name, client in clients if i % 2 == 0 else clients[::-1]:
                        ms, at_once = await seen_after(client, world.fake)
                        await asyncio.sleep(0.002)  # the bot's bookkeeping after its answer
                        if i >= warm_up:
                            times[name].append(ms)
                            direct += name == "bot" and at_once
            finally:
                for other in (bare, same, late):
                    await other.close()
    size = f"{promises:,} promises"
    rows = [
        row(f"Discord {label} ({size}): p{p}", percentile(times[name], p), "ms")
        for name, label in (
            ("bare", "bare discord.py client, answer"),
            ("same", "bare client sending the bot's reply, answer"),
            ("bot", "/buddy promises answer seen"),
            ("late", "/buddy promises, budget 0 (deferred, then followed up), answer seen"),
        )
        for p in (50, 95, 99)
    ]
    bare_p50 = statistics.median(times["bare"])
    ratio = statistics.median(times["bot"]) / bare_p50
    rows.append(
        row(f"Discord /buddy promises answer p50 / bare p50 ({size})", ratio, "x", TARGET_RATIO)
    )
    ratio = statistics.median(times["bot"]) / statistics.median(times["same"])
    rows.append(
        row(f"Discord /buddy promises p50 / bare sending the same reply p50 ({size})", ratio, "x")
    )
    ratio = statistics.median(times["late"]) / bare_p50
    rows.append(row(f"Discord /buddy promises, budget 0, p50 / bare p50 ({size})", ratio, "x"))
    share = 100 * direct / count
    rows.append(
        row(f"Discord /buddy promises answered at once ({size})", share, "%", better="higher")
    )
    return rows


def run(quick: bool) -> list[dict[str, Any]]:
    return run_sizes(one_size, quick=quick)


if __name__ == "__main__":
    from bench.__main__ import format_table

    parser = argparse.ArgumentParser(prog="python -m bench.discord_ack", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(format_table(run(quick=parser.parse_args().quick)))
    sys.exit(0)
