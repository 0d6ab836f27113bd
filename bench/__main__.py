"""Run every benchmark, print one table with each figure's target, and write bench/results.json."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
import traceback
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")
QUICK_BUDGET_S = 240.0  # `--quick` as a whole should stay under about four minutes


def benchmark_modules() -> list[str]:
    """Every module in bench/ that exposes `run(quick)`."""
    package = Path(__file__).parent
    return sorted(
        info.name for info in pkgutil.iter_modules([str(package)]) if not info.name.startswith("_")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, a few minutes")
    parser.add_argument(
        "--markdown", action="store_true", help="print the table as Markdown (README, Figures)"
    )
    parser.add_argument(
        "--saved",
        action="store_true",
        help=f"run nothing: print the figures of the last run ({RESULTS.name})",
    )
    parser.add_argument("only", nargs="*", help="run only these benchmarks (module names)")
    args = parser.parse_args(argv)
    if args.saved:
        rows: list[dict[str, Any]] = json.loads(RESULTS.read_text())
        failed = False
    else:
        rows, failed = run_all(quick=args.quick, only=args.only)
        if not args.only:  # the saved figures are always one whole run's
            RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
            print(f"Wrote {RESULTS}", file=sys.stderr)
    print(format_markdown(rows) if args.markdown else format_table(rows))
    return 1 if failed else 0


def run_all(*, quick: bool, only: list[str]) -> tuple[list[dict[str, Any]], bool]:
    """Each benchmark's rows, in module order; a benchmark that fails gets one row saying so
    (and the others still run). Also whether any failed."""
    rows: list[dict[str, Any]] = []
    failed = False
    started = time.perf_counter()
    for name in benchmark_modules():
        if only and name not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        began = time.perf_counter()
        try:
            rows += module.run(quick=quick)
        except Exception as error:  # one broken benchmark must not hide every other figure
            traceback.print_exc()
            failed = True
            rows.append(_error_row(name, error))
        print(f"  {name} took {time.perf_counter() - began:.1f} s", file=sys.stderr)
    took = time.perf_counter() - started
    over = " (over the quick budget)" if quick and took > QUICK_BUDGET_S else ""
    print(f"All benchmarks took {took:.0f} s{over}.", file=sys.stderr)
    return rows, failed


def _error_row(module: str, error: Exception) -> dict[str, Any]:
    return {
        "name": f"{module}: failed ({type(error).__name__}: {error})"[:160],
        "value": None,
        "unit": "",
        "target": None,
        "better": "lower",
    }


def verdict(row: dict[str, Any]) -> str:
    """ "pass" or "MISS" against the row's target; "" for a figure with none (a baseline)."""
    value, target = row["value"], row["target"]
    if target is None:
        return ""
    if value is None:
        return "MISS"
    met = value >= target if row["better"] == "higher" else value <= target
    return "pass" if met else "MISS"


def format_table(rows: list[dict[str, Any]]) -> str:
    header = ("benchmark", "value", "unit", "target", "result")
    lines = [header] + [
        (str(r["name"]), _number(r["value"]), str(r["unit"]), _target(r), verdict(r)) for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = [
        " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    rendered.insert(1, "-+-".join("-" * w for w in widths))
    passed = sum(verdict(r) == "pass" for r in rows)
    missed = sum(verdict(r) == "MISS" for r in rows)
    return "\n".join(rendered) + f"\n\n{passed} of {passed + missed} targets met."


def format_markdown(rows: list[dict[str, Any]]) -> str:
    """The table the README's "Figures" section carries."""
    lines = ["| Figure | Value | Target | |", "|---|---:|---:|---|"]
    for r in rows:
        unit = f" {r['unit']}" if r["unit"] and r["value"] is not None else ""
        target = f"{_target(r)}{' ' + r['unit'] if r['target'] is not None else ''}"
        name = str(r["name"]).replace("|", "\\|")
        lines.append(f"| {name} | {_number(r['value'])}{unit} | {target} | {verdict(r)} |")
    return "\n".join(lines)


def _target(row: dict[str, Any]) -> str:
    if row["target"] is None:
        return "—"
    return ("≥ " if row["better"] == "higher" else "≤ ") + _number(row["target"])


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


if __name__ == "__main__":
    sys.exit(main())
