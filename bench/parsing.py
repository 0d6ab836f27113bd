"""Parse time: the worst command line up to 2,000 characters, crafted and searched for.

Each input runs as one whole command through the real `CommandService` (cleaning, splitting,
parsing, and the handler over the in-memory store, which is cheap); the time is the fastest of
five runs (the others waited for other processes), each with dateparser's cache emptied.
Crafted inputs are the shapes that were slow; then hypothesis searches for slower ones,
steered by `target()` towards the slowest, over `promise`, `met`, `snooze`, `settings`.
`python -m bench.parsing [--quick]`
"""

from __future__ import annotations

import sys
import time
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings, target
from hypothesis import strategies as st

from bot.commands import when
from bot.commands.base import MAX_TEXT, CommandInput
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from tests.fakes import InMemoryStore, ManualClock
from tests.mentions import mentions_in
from tests.unit.harness import ALICE, NOW

TARGET_MS = 20.0
RUNS = 5
COMMANDS_SEARCHED = ("promise", "met", "snooze", "settings")
# Words that reach the time reader, the time zone reader and dateparser.
WORDS = (
    "by", "before", "on", "in", "at", "the", "of", "and", "next", "this", "1", "12", "2026",
    "1st", "3rd", "9am", "9:30pm", "14:00", "12/01/2026", "2026-12-01", "jan", "december",
    "friday", "tomorrow", "day", "days", "week", "hours", "ago", "noon", "utc", "timezone",
    "Europe/Pariz", "quiet", "22:00-08:00", "digest", "monday", "intros", "on", "profile",
    "111111111111", "slides", '"Sam"', "<@UBOB>", "<t:1767225600>",
)  # fmt: skip


def _service() -> CommandService:
    return CommandService(
        uow_factory=InMemoryStore(), clock=ManualClock(NOW), commands=COMMANDS, actions=ACTIONS
    )


def command_ms(text: str) -> float:
    """The fastest of RUNS runs of one command line, each on a fresh store and an empty cache."""
    times = []
    for _ in range(RUNS):
        service = _service()
        command = CommandInput(
            text=text, invoker=ALICE, mentions=mentions_in(text, by=ALICE, names={"UBOB": "Bob"})
        )
        when._dateparser_reading.cache_clear()
        started = time.perf_counter()
        service.run(command)
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def _filled(prefix: str, unit: str) -> str:
    return prefix + unit * ((MAX_TEXT - len(prefix)) // len(unit))


def crafted() -> dict[str, str]:
    """The shapes that were slow before parsing was bounded (up to 2.6 s each)."""
    return {
        "promise, 2,000 chars of words": _filled('promise "Sam" ', "slides "),
        "promise, 'on 1' repeated": _filled('promise "Sam" x ', "on 1 "),
        "promise, 'in 1' repeated": _filled('promise "Sam" x ', "in 1 "),
        "promise, 'at 1' repeated": _filled('promise "Sam" x ', "at 1 "),
        "promise, 'by 1' repeated": _filled('promise "Sam" x ', "by 1 "),
        "promise, 'on jan 1' repeated": _filled('promise "Sam" x ', "on jan 1 "),
        "promise, 'on the 1st of' repeated": _filled('promise "Sam" x ', "on the 1st of "),
        "promise, mixed time words": _filled('promise "Sam" x ', "at 1 in 2 on 3 of 4 the 5 "),
        "promise, long digit run": 'promise "Sam" x by ' + "1" * (MAX_TEXT - 20),
        "promise, digit words": _filled('promise "Sam" x ', "by 12345 "),
        "promise, dateparser date": 'promise "Sam" the slides by 12/01/2026 14:00',
        "snooze, 200 chars of '1 on'": "snooze 1 " + ("1 on " * 40)[:199],
        "settings, unknown zones": _filled("settings ", "timezone Europe/Pariz "),
        "settings, 64-char zone": "settings timezone " + "a" * 64,
        "met, 2,000 chars": _filled('met "Sam" ', "at pycon "),
    }


def search(examples: int) -> tuple[float, str]:
    """The slowest line hypothesis finds in `examples` tries, steered by `target()`."""
    worst: list[tuple[float, str]] = [(0.0, "")]
    line = st.tuples(
        st.sampled_from(COMMANDS_SEARCHED),
        st.sampled_from(('"Sam"', "<@UBOB>", "1", "")),
        st.lists(st.sampled_from(WORDS), max_size=400),
    ).map(lambda parts: " ".join([parts[0], parts[1], *parts[2]])[:MAX_TEXT])

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=(Phase.generate, Phase.target),
        suppress_health_check=list(HealthCheck),
    )
    @given(line)
    def slowest(text: str) -> None:
        ms = command_ms(text)
        target(ms, label="ms")
        worst[0] = max(worst[0], (ms, text))

    slowest()
    return worst[0]


def run(quick: bool) -> list[dict[str, Any]]:
    _service().run(CommandInput(text='promise "Sam" x by 12/01/2026', invoker=ALICE))  # warm up
    rows: list[dict[str, Any]] = []
    times = {name: command_ms(text) for name, text in crafted().items()}
    name, ms = max(times.items(), key=lambda item: item[1])
    rows.append(_row(f"parse, worst crafted input ({name})", ms))
    found_ms, found = search(80 if quick else 400)
    print(f"  slowest line found: {found[:120]!r}…", file=sys.stderr)
    rows.append(_row(f"parse, worst of a hypothesis search ({found.split(' ', 1)[0]})", found_ms))
    rows.append(
        _row(
            "parse, 'promise … by 12/01/2026 14:00' (one dateparser call)",
            times["promise, dateparser date"],
            None,
        )
    )
    return rows


def _row(name: str, value: float, target: float | None = TARGET_MS) -> dict[str, Any]:
    return {"name": name, "value": round(value, 2), "unit": "ms", "target": target,
            "better": "lower"}  # fmt: skip


if __name__ == "__main__":
    from bench.__main__ import format_table

    print(format_table(run(quick="--quick" in sys.argv)))
