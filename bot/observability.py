"""Logs as text or one JSON object per line, and Prometheus counters for the web process."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# Every attribute a plain LogRecord has: the rest came in through `extra=`.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


# A record's message on one line: control characters as escapes, so no text can forge a record.
_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F)} | {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


class TextFormatter(logging.Formatter):
    """One record, one line (a traceback follows indented): a newline in logged text can't
    start what looks like a record of its own."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return super().formatMessage(record).translate(_ESCAPES)

    def format(self, record: logging.LogRecord) -> str:
        first, *more = super().format(record).split("\n")
        return "\n".join([first, *(f"    {line.translate(_ESCAPES)}" for line in more)])


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, and the `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(*, log_format: str, verbose: bool) -> None:
    """Text for people (warnings only unless `verbose`); JSON for log pipelines, which keep
    the per-command and per-delivery lines, so it logs at INFO."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
        level = logging.INFO
    else:
        handler.setFormatter(TextFormatter(TEXT_FORMAT))
        level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, handlers=[handler], force=True)


class PrometheusMetrics:
    """The `Metrics` port as Prometheus counters, on a registry of its own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._commands = Counter(
            "buddy_commands",
            "Commands and button presses handled, by outcome (ok, refused, error).",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self._command_seconds = Histogram(
            "buddy_command_seconds",
            "Time to handle a command or button press (database work included).",
            ["platform"],
            registry=self.registry,
        )
        self._deliveries = Counter(
            "buddy_deliveries",
            "Outbox messages settled, by outcome (sent, retried, dead, released).",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self._ticks = Histogram(
            "buddy_tick_seconds",
            "Time one tick of the due jobs took.",
            registry=self.registry,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )

    def command(self, *, platform: str, outcome: str, seconds: float) -> None:
        self._commands.labels(platform=platform, outcome=outcome).inc()
        self._command_seconds.labels(platform=platform).observe(seconds)

    def delivery(self, *, platform: str, outcome: str) -> None:
        self._deliveries.labels(platform=platform, outcome=outcome).inc()

    def tick(self, *, seconds: float) -> None:
        self._ticks.observe(seconds)

    def exposition(self) -> tuple[bytes, str]:
        """The `/metrics` page: its body and content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
