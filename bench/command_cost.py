"""Command cost: `promises`, `done`, `people`, `met` for a member with 20 vs 10^4 promises,
and `promise` for a member with 10 vs 10^4 OPEN promises.

Per-command time must stay flat in the member's own data (target: at most 1.5x). On SQLite,
through the real `CommandService` over the real store. Open promises are capped at 200 per
member, so for the first four the large member has 200 open promises and 9,800 kept ones; the
small member has 20 open ones: a full list (`promises` shows 20 and counts the rest), so both
answers are as long and only the data behind them differs. For `promise` the cap is raised
past 10^4 (for both members),
so the large member has 10^4 open ones: numbering, the repeat warning and the cap check must
not read them all. Both have the same 10 contacts. Rows are written straight into the tables;
the two members' commands are timed interleaved.
`python -m bench.command_cost [--quick]`
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.app import build
from bot.commands.base import CommandInput
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.config import Settings
from bot.core.identity import Member, Platform
from bot.core.limits import LIST_SHOWN
from bot.core.promises import words_key
from bot.store.models import ContactRow, PromiseRow
from tests.fakes import ManualClock

TARGET_RATIO = 1.5
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
MEMBER = Member(Platform.SLACK, "T1", "U0")
CONTACTS = 10
OPEN_CAP = 200


def seed(database_url: str, *, promises: int, open_cap: int = OPEN_CAP) -> None:
    """One member's contacts and `promises` promises: up to `open_cap` open, the rest kept."""
    buddy = build(Settings(database_url=database_url))
    owner = {"platform": "slack", "workspace_id": "T1", "owner_id": MEMBER.user_id}
    contacts = [
        {**owner, "id": c + 1, "name": f"Friend {c}", "name_key": f"friend {c}",
         "member_user_id": None, "created_at": NOW, "last_touch_at": NOW - timedelta(days=c)}
        for c in range(CONTACTS)
    ]  # fmt: skip
    rows = []
    for n in range(promises):
        is_open = n < open_cap
        rows.append(
            {**owner, "contact_id": n % CONTACTS + 1, "what": f"thing {n}",
             "words_key": words_key(f"thing {n}"), "number": n + 1,
             "status": "open" if is_open else "done",
             "created_at": NOW - timedelta(minutes=promises - n),
             "due_at": NOW + timedelta(days=n + 1) if is_open else None,
             "remind_at": NOW + timedelta(days=n + 1) if is_open else None,
             "heads_up_at": None, "snoozes": 0,
             "closed_at": None if is_open else NOW - timedelta(minutes=n)}
        )  # fmt: skip
    with buddy.engine.begin() as connection:
        connection.execute(insert(ContactRow), contacts)
        connection.execute(insert(PromiseRow), rows)
    buddy.engine.dispose()


READING: dict[str, Callable[[int], str]] = {
    "promises": lambda i: "promises",
    "done": lambda i: f"done {i + 1}",
    "people": lambda i: "people",
    "met": lambda i: f'met "Friend {i % CONTACTS}" at the meetup',
}
# `done n` closes a different one of the small member's open promises each time.
MOST_SAMPLES = {"done": LIST_SHOWN - 1}
WARM_UP = 3
# A new promise each time; the first ones repeat an open one (the repeat warning shows).
WRITING: dict[str, Callable[[int], str]] = {
    "promise": lambda i: f'promise "Friend {i % CONTACTS}" thing {i} in 2 days',
}


def costs(
    database_urls: dict[int, str],
    *,
    samples: int,
    lines: dict[str, Callable[[int], str]],
    open_cap: int = OPEN_CAP,
) -> dict[int, dict[str, float]]:
    """Median ms per command and size; the sizes' runs interleaved (alternating which goes
    first), so a burst of load on the machine weighs on both alike. `done n` closes a
    different open promise each time."""
    buddies = {size: build(Settings(database_url=url)) for size, url in database_urls.items()}
    services = {
        size: CommandService(
            uow_factory=buddy.uow_factory,
            clock=ManualClock(NOW),
            commands=COMMANDS,
            actions=ACTIONS,
            policy=replace(buddy.policy, max_open_promises=open_cap),
        )
        for size, buddy in buddies.items()
    }
    result: dict[int, dict[str, float]] = {size: {} for size in services}
    for name, line in lines.items():
        times: dict[int, list[float]] = {size: [] for size in services}
        for service in services.values():
            for _ in range(WARM_UP):
                service.run(CommandInput(text="promises", invoker=MEMBER))
        for i in range(min(samples, MOST_SAMPLES.get(name, samples))):
            order = list(services) if i % 2 == 0 else list(services)[::-1]
            for size in order:
                started = time.perf_counter()
                reply = services[size].run(CommandInput(text=line(i), invoker=MEMBER))
                times[size].append((time.perf_counter() - started) * 1000)
                assert not reply.plain_text().startswith("⚠️"), reply.plain_text()
        for size, taken in times.items():
            result[size][name] = statistics.median(taken)
    for buddy in buddies.values():
        buddy.engine.dispose()
    return result


def run(quick: bool) -> list[dict[str, Any]]:
    samples = 21 if quick else 41
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="buddy-cost-") as folder:
        raised = 2 * 10**4  # past the large member's 10^4 open promises and what the bench adds
        reading: dict[int, str] = {}
        writing: dict[int, str] = {}
        for size in (LIST_SHOWN, 10**4):
            reading[size] = f"sqlite:///{Path(folder) / f'cost-{size}.sqlite3'}"
            seed(reading[size], promises=size)
        for size in (10, 10**4):
            writing[size] = f"sqlite:///{Path(folder) / f'open-{size}.sqlite3'}"
            seed(writing[size], promises=size, open_cap=raised)
        measured = costs(reading, samples=samples, lines=READING)
        opened = costs(writing, samples=samples, lines=WRITING, open_cap=raised)
        for name in measured[LIST_SHOWN]:
            small, large = measured[LIST_SHOWN][name], measured[10**4][name]
            rows.append(
                _row(f"`{name}`, member with {LIST_SHOWN} promises (SQLite)", small, "ms", None)
            )
            rows.append(_row(f"`{name}`, member with 10^4 promises (SQLite)", large, "ms", None))
            rows.append(_row(f"`{name}` cost ratio 10^4 / {LIST_SHOWN} promises", large / small,
                             "x", TARGET_RATIO))  # fmt: skip
        for name in opened[10]:
            small, large = opened[10][name], opened[10**4][name]
            rows.append(_row(f"`{name}`, member with 10 open promises (SQLite)", small, "ms", None))
            rows.append(
                _row(f"`{name}`, member with 10^4 open promises (SQLite)", large, "ms", None)
            )
            rows.append(_row(f"`{name}` cost ratio 10^4 / 10 open promises", large / small, "x",
                             TARGET_RATIO))  # fmt: skip
    return rows


def _row(name: str, value: float, unit: str, target: float | None) -> dict[str, Any]:
    return {"name": name, "value": round(value, 2), "unit": unit, "target": target,
            "better": "lower"}  # fmt: skip


if __name__ == "__main__":
    from bench.__main__ import format_table

    print(format_table(run(quick="--quick" in sys.argv)))
