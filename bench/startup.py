"""Start-up: launch to the console's first answer (fresh and at-head SQLite), and launch to
`buddy slack` answering /healthz (HTTP mode, against the fake Slack), with each one's idle RSS.

Each figure is a fresh `python -m bot` process; the median over the samples is reported. Beside
each wall time, the CPU time the process had used by then: on a loaded machine the wall time
waits for other processes, the CPU time does not.
`python -m bench.startup`
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.adapters.slack_fake import FakeSlack

CONSOLE_TARGET_S = 1.2
SLACK_TARGET_S = 2.0
SLACK_RSS_TARGET_MB = 80.0
IDLE_SECONDS = 0.5
ROOT = Path(__file__).resolve().parent.parent
ANSWER = "buddy → @me"  # the console's first line of an answer


def _env(folder: str, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    return {
        **keep,
        "DATABASE_URL": f"sqlite:///{folder}/buddy.sqlite3",
        "BUDDY_TICK_SECONDS": "3600",
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra,
    }


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def console_first_answer(folder: str) -> tuple[float, float, float]:
    """Seconds from launch until the answer to `help` shows, the CPU seconds used by then, and
    the idle RSS after it."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_env(folder),
        cwd=ROOT,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("help\n")
    process.stdin.flush()
    for line in process.stdout:
        if ANSWER in line:
            break
    elapsed = time.perf_counter() - started
    cpu = _cpu_s(process.pid)
    time.sleep(IDLE_SECONDS)
    rss = _rss_mib(process.pid)
    process.stdin.close()
    process.stdout.read()
    process.wait(timeout=60)
    return elapsed, cpu, rss


@contextmanager
def fake_slack() -> Iterator[str]:
    """The fake Slack Web API on its own event loop in a thread; yields its API URL."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = asyncio.run_coroutine_threadsafe(FakeSlack().start(), loop).result(timeout=30)
    try:
        yield fake.api_url
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def slack_ready(folder: str, api_url: str) -> tuple[float, float, float]:
    """Seconds from launch until `buddy slack` (HTTP mode) answers /healthz, the CPU seconds
    used by then, and its idle RSS."""
    port = _free_port()
    env = _env(
        folder,
        SLACK_BOT_TOKEN="xoxb-T1",
        SLACK_SIGNING_SECRET="bench-secret",
        SLACK_API_URL=api_url,
        BUDDY_HOST="127.0.0.1",
        PORT=str(port),
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "slack"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
    )
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"buddy slack exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.01)
        elapsed = time.perf_counter() - started
        cpu = _cpu_s(process.pid)
        time.sleep(IDLE_SECONDS)
        return elapsed, cpu, _rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def run(quick: bool) -> list[dict[str, Any]]:
    samples = 1 if quick else 3
    console: dict[str, list[tuple[float, float, float]]] = {"fresh": [], "head": []}
    slack: dict[str, list[tuple[float, float, float]]] = {"fresh": [], "head": []}
    with fake_slack() as api_url:
        for _ in range(samples):
            with tempfile.TemporaryDirectory(prefix="buddy-start-") as folder:
                console["fresh"].append(console_first_answer(folder))
                console["head"].append(console_first_answer(folder))
            with tempfile.TemporaryDirectory(prefix="buddy-start-") as folder:
                slack["fresh"].append(slack_ready(folder, api_url))
                slack["head"].append(slack_ready(folder, api_url))

    def median(found: list[tuple[float, float, float]], field: int) -> float:
        return _median([sample[field] for sample in found])

    return [
        _row("start-up: console first answer, fresh SQLite", median(console["fresh"], 0), "s"),
        _row(
            "start-up: console first answer, SQLite at head",
            median(console["head"], 0),
            "s",
            CONSOLE_TARGET_S,
        ),
        _row("start-up: console at head, CPU used to its answer", median(console["head"], 1), "s"),
        _row("start-up: buddy slack /healthz ready, fresh SQLite", median(slack["fresh"], 0), "s"),
        _row(
            "start-up: buddy slack /healthz ready, at head",
            median(slack["head"], 0),
            "s",
            SLACK_TARGET_S,
        ),
        _row("start-up: buddy slack at head, CPU used until ready", median(slack["head"], 1), "s"),
        _row("idle RSS, buddy console after its first answer", median(console["head"], 2), "MiB"),
        _row(
            "idle RSS, buddy slack (HTTP) once ready",
            median(slack["head"], 2),
            "MiB",
            SLACK_RSS_TARGET_MB,
        ),
    ]


def _row(name: str, value: float, unit: str, target: float | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "value": round(value, 3 if unit == "s" else 1),
        "unit": unit,
        "target": target,
        "better": "lower",
    }


if __name__ == "__main__":
    from bench.__main__ import format_table

    print(format_table(run(quick="--quick" in sys.argv[1:])))
