"""Pairing rounds at 10^3–10^5 members after 10 rounds: time, repeats and time-zone fit, beside
a plain shuffle (what most pairing bots do) on the same members in the same run."""

from __future__ import annotations

import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from bot.core.pairing import Grouping, count_repeats, group_sizes, make_groups

HISTORY_ROUNDS = 10
TIMED_RUNS = 3
GROUP_SIZE = 2
TIME_TARGET_SECONDS = 2.0  # at 10^5 members
# Where members live, as (minutes east of UTC, weight): a community spread over the world.
ZONES = ((-480, 2), (-300, 3), (0, 2), (60, 3), (120, 1), (330, 2), (540, 1), (600, 1))
SHARED_HOURS_SPREAD = 8 * 60  # a group whose zones are ≤ 8 h apart shares a working day

Grouper = Callable[[list[str], dict[str, set[str]], dict[str, int], int], Grouping]


def ours(
    members: list[str], recent: dict[str, set[str]], offsets: dict[str, int], seed: int
) -> Grouping:
    return make_groups(members, size=GROUP_SIZE, recent=recent, offsets=offsets, seed=seed)


def shuffle(
    members: list[str], recent: dict[str, set[str]], offsets: dict[str, int], seed: int
) -> Grouping:
    """What most pairing bots do: shuffle and cut (the baseline)."""
    people = sorted(set(members))
    random.Random(seed).shuffle(people)
    groups: list[tuple[str, ...]] = []
    start = 0
    for take in group_sizes(len(people), GROUP_SIZE):
        groups.append(tuple(people[start : start + take]))
        start += take
    return Grouping(tuple(groups), tuple(people[start:]), 0)


def community(count: int, seed: int) -> tuple[list[str], dict[str, int]]:
    rng = random.Random(seed)
    zones, weights = zip(*ZONES, strict=True)
    members = [f"U{i:06d}" for i in range(count)]
    offsets = dict(zip(members, rng.choices(zones, weights, k=count), strict=True))
    return members, offsets


def after_history(
    grouper: Grouper, members: list[str], offsets: dict[str, int]
) -> tuple[dict[str, set[str]], float, Grouping]:
    """Ten rounds made by `grouper` itself, then the measured eleventh: its partners-so-far,
    its time (the median of three runs, as other work shares this machine), its grouping."""
    recent: dict[str, set[str]] = {member: set() for member in members}
    for round_number in range(HISTORY_ROUNDS):
        for group in grouper(members, recent, offsets, round_number).groups:
            for member in group:
                recent[member].update(other for other in group if other != member)
    times = []
    for _ in range(TIMED_RUNS):
        gc.collect()  # the history's garbage is not this round's cost
        started = time.perf_counter()
        grouping = grouper(members, recent, offsets, HISTORY_ROUNDS)
        times.append(time.perf_counter() - started)
    return recent, statistics.median(times), grouping


def pairs(grouping: Grouping) -> int:
    return sum(len(g) * (len(g) - 1) // 2 for g in grouping.groups)


def shared_hours(grouping: Grouping, offsets: dict[str, int]) -> float:
    fit = sum(
        1
        for group in grouping.groups
        if max(offsets[m] for m in group) - min(offsets[m] for m in group) <= SHARED_HOURS_SPREAD
    )
    return 100 * fit / max(1, len(grouping.groups))


def row(name: str, value: float, unit: str, target: float | None, better: str) -> dict[str, Any]:
    return {"name": name, "value": value, "unit": unit, "target": target, "better": better}


def run(quick: bool) -> list[dict[str, Any]]:
    sizes = (30, 1_000, 10_000) if quick else (30, 1_000, 10_000, 100_000)
    rows: list[dict[str, Any]] = []
    for count in sizes:
        members, offsets = community(count, seed=count)
        label = f"pairing {count:,} members"
        for method, grouper in (("buddy", ours), ("shuffle", shuffle)):
            recent, elapsed, grouping = after_history(grouper, members, offsets)
            repeat_rate = 100 * count_repeats(grouping.groups, recent) / max(1, pairs(grouping))
            target = TIME_TARGET_SECONDS if method == "buddy" and count == 100_000 else None
            rows += [
                row(f"{label}, {method}: time", elapsed, "s", target, "lower"),
                row(
                    f"{label}, {method}: repeats of last {HISTORY_ROUNDS} rounds",
                    repeat_rate,
                    "% pairs",
                    0.0 if method == "buddy" else None,
                    "lower",
                ),
                row(
                    f"{label}, {method}: groups sharing working hours",
                    shared_hours(grouping, offsets),
                    "% groups",
                    None,
                    "higher",
                ),
            ]
    return rows


if __name__ == "__main__":
    from bench.__main__ import format_table

    print(format_table(run(quick="--quick" in sys.argv[1:])))
