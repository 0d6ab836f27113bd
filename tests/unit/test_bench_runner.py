"""`python -m bench`: every figure beside its target, as a table or the README's Markdown."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

import bench.__main__ as runner


def _row(name: str, value: float | None, target: float | None, better: str = "lower") -> Any:
    return {"name": name, "value": value, "unit": "ms", "target": target, "better": better}


def test_each_figure_says_whether_it_meets_its_target() -> None:
    assert runner.verdict(_row("tick", 42.0, 50.0)) == "pass"
    assert runner.verdict(_row("tick", 50.0, 50.0)) == "pass"
    assert runner.verdict(_row("tick", 53.9, 50.0)) == "MISS"
    assert runner.verdict(_row("sent", 94.0, 95.0, better="higher")) == "MISS"
    assert runner.verdict(_row("sent", 99.7, 95.0, better="higher")) == "pass"
    assert runner.verdict(_row("bare app, for scale", 12.2, None)) == ""
    assert runner.verdict(_row("broken", None, 50.0)) == "MISS"


def test_the_table_shows_target_and_result_and_counts_the_targets_met() -> None:
    table = runner.format_table([_row("tick", 53.9, 50.0), _row("parse", 3.1, 20.0)])

    assert table.splitlines()[0].split(" | ") == ["benchmark", "value", "unit", "target", "result"]
    assert "| ≤ 50   | MISS" in table
    assert "| ≤ 20   | pass" in table
    assert table.endswith("1 of 2 targets met.")


def test_the_markdown_is_the_readme_figures_table() -> None:
    markdown = runner.format_markdown(
        [_row("tick | SQLite", 53.9, 50.0), _row("bare Bolt app: ack p50", 12.23, None)]
    )

    assert markdown.splitlines() == [
        "| Figure | Value | Target | |",
        "|---|---:|---:|---|",
        "| tick \\| SQLite | 53.9 ms | ≤ 50 ms | MISS |",
        "| bare Bolt app: ack p50 | 12.2 ms | — |  |",
    ]


def test_a_benchmark_that_fails_gets_a_row_and_the_others_still_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(quick: bool) -> list[dict[str, Any]]:
        raise RuntimeError("no PostgreSQL here")

    def fine(quick: bool) -> list[dict[str, Any]]:
        return [_row(f"parse, quick={quick}", 3.0, 20.0)]

    for name, run in (("a_broken", broken), ("b_fine", fine)):
        module = types.ModuleType(f"bench.{name}")
        module.run = run  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"bench.{name}", module)
    monkeypatch.setattr(runner, "benchmark_modules", lambda: ["a_broken", "b_fine"])

    rows, failed = runner.run_all(quick=True, only=[])

    assert failed
    assert [r["name"] for r in rows] == [
        "a_broken: failed (RuntimeError: no PostgreSQL here)",
        "parse, quick=True",
    ]
