"""The HTTP edge of the Slack app: signatures checked before parsing, replays dropped, and the
logs of the web server and the Slack libraries kept free of bodies, codes and tokens."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Mapping
from typing import Any, Protocol

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

# Slack signs `v0:<timestamp>:<body>`; a request older (or newer) than this is refused.
SIGNATURE_WINDOW = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")

# Interactive payloads (buttons, forms, shortcuts) always name the member who acted.
_INTERACTIVE = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "interactive_message",
        "message_action",
        "shortcut",
        "view_closed",
        "view_submission",
    }
)


class RequestLog(Protocol):
    def first_seen(self, digest: str, *, signed_at: int) -> bool:
        """True the first time a signed request is offered, False for a replay of it."""
        ...


def signed_by_slack(
    body: bytes, headers: Mapping[str, str], *, secret: str, now: float | None = None
) -> bool:
    """Whether Slack signed this body lately: checked on the raw bytes, before any parsing."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    if not secret or not signature or not _TIMESTAMP.fullmatch(timestamp):
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > SIGNATURE_WINDOW:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def replay_key(headers: Mapping[str, str]) -> tuple[str, int]:
    """A signed request's identity (its timestamp and signature, hashed) and its timestamp."""
    timestamp = headers.get("X-Slack-Request-Timestamp", "")
    signature = headers.get("X-Slack-Signature", "")
    digest = hashlib.sha256(f"{timestamp}:{signature}".encode()).hexdigest()
    return digest, int(timestamp)


def well_formed(body: Any) -> bool:
    """A signed body the listeners can read: a command or a press names its member."""
    if not isinstance(body, dict):
        return False
    if "command" in body:
        return _text(body.get("user_id")) and isinstance(body.get("text", ""), str)
    kind = body.get("type")
    if kind in _INTERACTIVE:
        user, view = body.get("user"), body.get("view", {})
        readable_view = isinstance(view, dict) and (
            kind != "view_submission" or (isinstance(view.get("state"), dict) and "id" in view)
        )
        return isinstance(user, dict) and _text(user.get("id")) and readable_view
    if kind == "event_callback":
        return isinstance(body.get("event"), dict)
    return True


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


class PathOnlyAccessLogger(AbstractAccessLogger):
    """aiohttp's access log without the query string: the OAuth redirect carries a `code`."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %d in %.1f ms",
            request.method,
            request.path,
            response.status,
            time * 1000,
            extra={"status": response.status},
        )


class _LibraryLines(logging.Filter):
    """slack_bolt and slack_sdk log request and response bodies at DEBUG (messages, names,
    tokens), a failed signature's body at INFO and a failed OAuth exchange's code at WARNING."""

    _REDACT = (
        (re.compile(r"\s*\(signature: .*", re.DOTALL), ""),
        (re.compile(r"with code: \S*"), "with code: (redacted)"),
    )

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return False
        message = record.getMessage()
        redacted = message
        for pattern, replacement in self._REDACT:
            redacted = pattern.sub(replacement, redacted)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def library_logger() -> logging.Logger:
    """The logger handed to Bolt and the Web API clients (Bolt passes it on to its parts)."""
    logger = logging.getLogger("bot.adapters.slack.library")
    # Never DEBUG; and no chattier than the process was asked to be (Bolt copies this level).
    logger.setLevel(max(logging.INFO, logging.root.level))
    if not logger.filters:
        logger.addFilter(_LibraryLines())
    return logger
