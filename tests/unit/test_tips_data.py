"""The tips in bot/core/tips.toml: enough, on every topic, short, distinct, free of markup."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.commands.registry import COMMANDS
from bot.core.message import CommandRef, text_plain
from bot.core.tips import TIPS, Topic, load_tips, tips_about
from tests.unit.test_no_platform_syntax_in_core import platform_syntax

ROOT = Path(__file__).resolve().parents[2]
COMMAND_NAMES = {spec.name for spec in COMMANDS}


def test_there_are_at_least_thirty_tips_and_every_topic_has_some() -> None:
    assert len(TIPS) >= 30
    for topic in Topic:
        assert len(tips_about(topic)) >= 5, topic


def test_each_tip_is_short_and_none_is_there_twice() -> None:
    plain = [text_plain(tip.text) for tip in TIPS]
    assert all(0 < len(text) <= 200 for text in plain), [t for t in plain if len(t) > 200]
    normalised = [" ".join(text.casefold().split()) for text in plain]
    assert len(set(normalised)) == len(normalised)


def test_no_tip_holds_platform_syntax_and_each_command_it_names_exists() -> None:
    for tip in TIPS:
        for part in tip.text:
            if isinstance(part, CommandRef):
                assert part.command in COMMAND_NAMES, part
            else:
                assert isinstance(part, str) and not platform_syntax(part), part


def test_a_command_name_in_braces_becomes_a_command_reference() -> None:
    [tip] = load_tips('give = ["Say what you offer ({offer}) today."]')
    assert tip.topic is Topic.GIVE
    assert tip.text == ("Say what you offer (", CommandRef("offer"), ") today.")


def test_a_topic_the_bot_does_not_know_is_refused_when_the_file_is_read() -> None:
    with pytest.raises(ValueError, match="small talk"):
        load_tips('"small talk" = ["Talk about the weather."]')


def test_the_tips_file_ships_in_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "tips.toml" in pyproject["tool"]["setuptools"]["package-data"]["bot.core"]
