"""What the two answer-time benchmarks (Slack, Discord) share: sizes, rows and their driver."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

SIZES = (300, 100_000)  # open promises stored

OneSize = Callable[..., Awaitable[list[dict[str, Any]]]]


def row(
    name: str, value: float, unit: str, target: float | None = None, *, better: str = "lower"
) -> dict[str, Any]:
    return {
        "name": name,
        "value": round(value, 2),
        "unit": unit,
        "target": target,
        "better": better,
    }


def run_sizes(one_size: OneSize, *, quick: bool) -> list[dict[str, Any]]:
    """`one_size` at each size, fewer samples when quick, in one event loop."""

    async def every_size() -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for promises in SIZES:
            rows += await one_size(promises, count=30 if quick else 400, warm_up=5 if quick else 20)
        return rows

    return asyncio.run(every_size())
