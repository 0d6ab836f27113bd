"""The Slack app manifest in the repository matches what the adapter does."""

from __future__ import annotations

import re
from pathlib import Path

from bot.adapters.slack import app as slack

MANIFEST = Path(__file__).resolve().parents[2] / "slack" / "manifest.yml"


def listed_under(key: str) -> list[str]:
    """The `- item` lines right under `key:` (the manifest is plain, indented YAML)."""
    text = MANIFEST.read_text()
    match = re.search(rf"^( *){key}:\n((?:\1  +- .+\n)+)", text, re.MULTILINE)
    assert match is not None, key
    return [line.split("- ", 1)[1].strip() for line in match.group(2).splitlines()]


def test_the_manifest_asks_for_exactly_the_scopes_the_code_uses() -> None:
    assert listed_under("bot") == sorted(slack.SCOPES)


def test_the_manifest_subscribes_to_exactly_the_events_the_app_handles() -> None:
    handled = {"app_home_opened", "app_uninstalled", "tokens_revoked"}
    code = Path(slack.__file__).read_text()

    assert set(listed_under("bot_events")) == handled
    assert set(re.findall(r'app\.event\("(\w+)"\)', code)) == handled


def test_the_command_escapes_mentions_and_the_home_tab_is_on() -> None:
    text = MANIFEST.read_text()

    assert "- command: /buddy\n" in text and "should_escape: true" in text
    assert "home_tab_enabled: true" in text and "socket_mode_enabled: true" in text
    assert re.search(r"interactivity:\n +is_enabled: true", text)
