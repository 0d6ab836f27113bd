"""Run every benchmark, print one table, and write bench/results.json."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).with_name("results.json")


def benchmark_modules() -> list[str]:
    """Every module in bench/ that exposes `run(quick)`."""
    package = Path(__file__).parent
    return sorted(
        info.name for info in pkgutil.iter_modules([str(package)]) if not info.name.startswith("_")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, under 3 minutes")
    parser.add_argument("only", nargs="*", help="run only these benchmarks (module names)")
    args = parser.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for name in benchmark_modules():
        if args.only and name not in args.only:
            continue
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        started = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        rows += module.run(quick=args.quick)
        print(f"  {name} took {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(format_table(rows))
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"\nWrote {RESULTS}", file=sys.stderr)
    return 0


def format_table(rows: list[dict[str, Any]]) -> str:
    header = ("benchmark", "value", "unit", "target", "better")
    lines = [header] + [
        (str(r["name"]), _number(r["value"]), str(r["unit"]), _number(r["target"]), r["better"])
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = [
        " | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in lines
    ]
    rendered.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(rendered)


def _number(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


if __name__ == "__main__":
    sys.exit(main())
