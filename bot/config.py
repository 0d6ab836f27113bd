"""Settings from the environment (a `.env` file is read too), checked once at start."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import Field, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, TypeVar

from bot.store.database import DEFAULT_SQLITE_URL, normalise_database_url
from bot.store.secrets import check_keys

_T = TypeVar("_T")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable and what is expected."""


@dataclass(frozen=True)
class _Rule:
    """What one setting accepts beyond its type; `expected` is what a refusal tells the operator."""

    expected: str = ""
    above: float | None = None
    at_least: float | None = None
    at_most: float | None = None
    pattern: str | None = None  # the whole value must match
    choices: tuple[str, ...] = ()
    # Checks that word their own refusal (and never echo the value: it may be a secret).
    check: Callable[[str], str] | None = None


def _setting(
    default: _T,
    *,
    expected: str = "",
    above: float | None = None,
    at_least: float | None = None,
    at_most: float | None = None,
    pattern: str | None = None,
    choices: tuple[str, ...] = (),
    check: Callable[[str], str] | None = None,
) -> _T:
    rule = _Rule(expected, above, at_least, at_most, pattern, choices, check)
    return field(default=default, metadata={"rule": rule})


@dataclass(frozen=True)
class Settings:
    """The values as given (text is read as an operator writes it); `load_settings` reads them
    from the environment. A value out of bounds raises ConfigError either way."""

    database_url: str = _setting(DEFAULT_SQLITE_URL, check=normalise_database_url)
    buddy_tick_seconds: float = _setting(
        30.0, above=0, at_most=3600, expected="a number of seconds between 0 and 3600, e.g. 30"
    )
    buddy_ticker: bool = _setting(True, expected="on or off")  # off for web-only replicas
    buddy_follow_up_days: int = _setting(
        3, at_least=1, at_most=60, expected="a whole number of days between 1 and 60, e.g. 3"
    )
    buddy_give_window_days: int = _setting(
        30, at_least=1, at_most=365, expected="a whole number of days between 1 and 365, e.g. 30"
    )
    # Sent and dead outbox messages keep their text this many days (an export: until delivered).
    buddy_outbox_retention_days: int = _setting(
        14,
        at_least=1,
        at_most=3650,
        expected="a whole number of days between 1 and 3650, e.g. 14",
    )
    buddy_console_user: str = _setting(
        "me",
        pattern=r"[\w.\-]+",
        expected="a short name with letters, digits, '.', '-' or '_', e.g. me",
    )
    # Delivery: how long a worker's claim on a message lasts (a dead worker's claims free
    # themselves after it), and how many messages a second each process sends to each platform
    # (0: as fast as the platform's rate-limit answers allow).
    buddy_delivery_lease_seconds: float = _setting(
        120.0,
        at_least=10,
        at_most=3600,
        expected="a number of seconds between 10 and 3600, e.g. 120",
    )
    buddy_slack_send_rate: float = _setting(
        0.0,
        at_least=0,
        at_most=1000,
        expected="messages a second, between 0 (unpaced) and 1000, e.g. 1",
    )
    buddy_discord_send_rate: float = _setting(
        0.0,
        at_least=0,
        at_most=1000,
        expected="messages a second, between 0 (unpaced) and 1000, e.g. 5",
    )
    # json: one object per line with the structured fields (and INFO lines: one per command
    # and per delivery); text: readable, warnings only unless `buddy -v`.
    buddy_log_format: Literal["text", "json"] = _setting(
        "text", choices=("text", "json"), expected="text or json"
    )
    # Fernet keys, comma-separated: the first encrypts stored Slack tokens, every one decrypts
    # (rotation). Required for multi-workspace Slack.
    buddy_secret_key: str = _setting("", check=check_keys)

    slack_bot_token: str = ""
    slack_signing_secret: str = ""
    slack_app_token: str = ""
    slack_client_id: str = ""
    slack_client_secret: str = ""
    slack_api_url: str = "https://slack.com/api/"
    port: int = _setting(3000, at_least=1, at_most=65535, expected="a TCP port number, e.g. 3000")
    # The address the Slack web process binds: every interface by default (containers, PaaS);
    # 127.0.0.1 behind a local reverse proxy.
    buddy_host: str = _setting(
        "0.0.0.0",
        pattern=r"[\w.:\-\[\]]+",
        expected="an address to listen on, e.g. 0.0.0.0 or 127.0.0.1",
    )
    # When set, /metrics answers only `Authorization: Bearer <token>` (401 otherwise).
    buddy_metrics_token: str = ""
    # A command answered within this many seconds is answered at once (Slack's ack, Discord's
    # first response); slower work acknowledges at once and answers after. Both wait only 3 s.
    buddy_ack_budget_seconds: float = _setting(
        1.5, at_least=0, at_most=2.5, expected="a number of seconds between 0 and 2.5, e.g. 1.5"
    )

    # The web pages (`dashboard`, `me`): the address their links start with (default
    # http://localhost:$PORT), and how long a link works.
    buddy_public_url: str = _setting(
        "",
        pattern=r"(https?://\S+)?",
        expected="the pages' address as browsers reach it, e.g. https://buddy.example.org",
    )
    buddy_link_hours: float = _setting(
        24.0,
        at_least=0.1,
        at_most=720,
        expected="hours a private link works, between 0.1 and 720, e.g. 24",
    )

    discord_token: str = ""
    discord_api_url: str = ""
    discord_gateway_url: str = ""

    def __post_init__(self) -> None:
        problems = []
        for each in fields(self):
            try:
                object.__setattr__(self, each.name, _checked(each, getattr(self, each.name)))
            except ValueError as problem:
                problems.append(str(problem))
        if problems:  # all of them at once: an operator fixes the file in one go
            raise ConfigError("\n".join(problems))


_NO_RULE = _Rule()
_BOOLS = {
    **dict.fromkeys(("1", "on", "t", "true", "y", "yes"), True),
    **dict.fromkeys(("0", "off", "f", "false", "n", "no"), False),
}
_WHOLE = re.compile(r"\s*([+-]?\d[\d_]*)(?:\.0*)?\s*")  # 3, +3, 1_000, 3.0; never 3.5 or 1e1


def _checked(setting: Field[Any], value: object) -> object:
    """`value` as the setting's type (read from text if text), within its rule; else
    ValueError saying what the operator should write."""
    rule: _Rule = setting.metadata.get("rule", _NO_RULE)
    typed = _typed(value, type(setting.default))
    if typed is None or not _allowed(typed, rule):
        expected = rule.expected or "text"
        raise ValueError(f"{setting.name.upper()}: expected {expected} (got {value!r})")
    return rule.check(typed) if rule.check is not None and isinstance(typed, str) else typed


def _typed(value: object, kind: type) -> object | None:
    """`value` as `kind` (bool, int, float or str), or None if it is not one."""
    if kind is bool:
        if isinstance(value, bool):
            return value
        return _BOOLS.get(value.lower()) if isinstance(value, str) else None
    if isinstance(value, bool):  # a flag is not a number, nor text
        return None
    if kind is int:
        if isinstance(value, int):
            return value
        whole = _WHOLE.fullmatch(value) if isinstance(value, str) else None
        return int(whole.group(1)) if whole else None
    if kind is float:
        try:
            number = float(value) if isinstance(value, int | float | str) else math.nan
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return value if isinstance(value, str) else None


def _allowed(value: object, rule: _Rule) -> bool:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (
            (rule.above is None or value > rule.above)
            and (rule.at_least is None or value >= rule.at_least)
            and (rule.at_most is None or value <= rule.at_most)
        )
    if isinstance(value, str):
        return (rule.pattern is None or re.fullmatch(rule.pattern, value) is not None) and (
            not rule.choices or value in rule.choices
        )
    return True


def load_settings(
    *, environ: Mapping[str, str] | None = None, env_file: str | Path | None = ".env"
) -> Settings:
    """Settings from environment variables (names in any case), then `env_file` if there is
    one, then the defaults. ConfigError lists every malformed value, one a line."""
    environ = os.environ if environ is None else environ
    given = {key.lower(): value for key, value in read_env_file(env_file, environ).items()}
    given.update((key.lower(), value) for key, value in environ.items())
    values: dict[str, Any] = {
        each.name: given[each.name] for each in fields(Settings) if each.name in given
    }
    return Settings(**values)


# One `.env` line, as python-dotenv reads it: `[export ]KEY=value`, the value bare (a ` #` starts
# a comment), 'single-quoted' (taken as written) or "double-quoted" (backslash escapes).
_LINE = re.compile(
    r"""\s*(?:export\s+)?(?P<key>[^=#\s]+)\s*=(?P<gap>\s*)
        (?:'(?P<single>(?:\\.|[^'\\])*)'|"(?P<double>(?:\\.|[^"\\])*)"|(?P<bare>(?![\s'"]).*))
        \s*(?:\#.*)?""",
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_VARIABLE = re.compile(r"\$\{(?P<name>[^}:]*)(?::-(?P<default>[^}]*))?\}")


def read_env_file(path: str | Path | None, environ: Mapping[str, str]) -> dict[str, str]:
    """The `KEY=value` lines of a `.env` file ({} if there is none): blank lines, comments and
    lines that are not assignments are skipped; `${NAME}` and `${NAME:-default}` are replaced by
    an earlier line's value or else the environment's, as python-dotenv does. A file that is
    not UTF-8 text is a ConfigError."""
    if path is None or not Path(path).is_file():
        return {}
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"{path}: cannot be read as UTF-8 text") from None
    found: dict[str, str] = {}
    for line in text.splitlines():
        matched = _LINE.fullmatch(line)
        if matched is None:
            continue
        if matched["single"] is not None:
            value = re.sub(r"\\([\\'])", r"\1", matched["single"])
        elif matched["double"] is not None:
            value = re.sub(
                r"\\([\\'\"abfnrtv])", lambda m: _ESCAPES.get(m[1], m[1]), matched["double"]
            )
        elif matched["gap"] and matched["bare"].startswith("#"):
            value = ""  # `KEY= # a comment`; `KEY=#text` is the text
        else:
            value = re.sub(r"\s+#.*", "", matched["bare"]).rstrip()
        found[matched["key"]] = _expanded(value, {**environ, **found})
    return found


def _expanded(value: str, known: Mapping[str, str]) -> str:
    return _VARIABLE.sub(lambda m: known.get(m["name"], m["default"] or ""), value)
