"""No Slack or Discord syntax in the strings of bot/core and bot/commands: adapters render parts."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot/core", "bot/commands")

PLATFORM_SYNTAX = {
    "a backtick (code is a Code or CommandRef part)": re.compile(r"`"),
    "a slash command (a CommandRef part)": re.compile(r"/buddy\b"),
    "a channel link (a ChannelRef part)": re.compile(r"<#"),
    "a member mention (a Mention part)": re.compile(r"<@"),
    "a Slack broadcast or special mention": re.compile(r"<!"),
    "a Discord timestamp, emoji or command mention": re.compile(r"<t:|<a?:\w+:|</"),
    "a Slack link": re.compile(r"<(?:https?|mailto):"),
    "Discord bold, strike-through or spoiler": re.compile(r"\*\*|~~|\|\|"),
    "Slack bold, italic or strike-through": re.compile(
        r"(?<![\w*])\*[^\s*][^*]*\*(?![\w*])|(?<!\w)_[^\s_][^_]*_(?!\w)|(?<!\w)~[^\s~][^~]*~(?!\w)"
    ),
}

# Input reading, not output: members may type the slash prefix in the console or in `help`.
READS_INPUT = {
    ("bot/commands/service.py", "/buddy"),
    ("bot/commands/help.py", "/buddy"),
}


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _patterns(tree: ast.AST) -> set[int]:
    """String constants given to `re.compile`: they read platform input, they never show it."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "compile"
        ):
            for arg in node.args:
                found |= {id(sub) for sub in ast.walk(arg)}
    return found


def literals() -> Iterator[tuple[str, int, str]]:
    """Every string literal (f-string pieces included) outside docstrings and regexes."""
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(), filename=relative)
            skipped = _docstrings(tree) | _patterns(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in skipped
                    and (relative, node.value) not in READS_INPUT
                ):
                    yield relative, node.lineno, node.value


def platform_syntax(text: str) -> list[str]:
    return [what for what, pattern in PLATFORM_SYNTAX.items() if pattern.search(text)]


def test_core_and_command_strings_hold_no_platform_syntax() -> None:
    found = [
        f"{path}:{line}: {', '.join(kinds)} in {text!r}"
        for path, line, text in literals()
        if (kinds := platform_syntax(text))
    ]
    assert not found, "platform syntax in core strings:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "text",
    [
        "Type `join` here",
        "Pairing is on in <#C123>",
        "Try /buddy promise",
        "hi <@U1>",
        "<!here> look",
        "at <t:1767225600:F>",
        "</buddy promise:123>",
        "**loud**",
        "a *bold* word",
        "an _italic_ word",
        "~gone~ now",
        "<https://example.org|a link>",
    ],
)
def test_the_scan_recognises_each_kind_of_markup(text: str) -> None:
    assert platform_syntax(text)


@pytest.mark.parametrize(
    "text",
    [
        "Promise #3: send the slides",
        "snake_case_name",
        "quiet 22:00-08:00",
        "3 * 4 = 12",
        "Europe/Paris",
        "(also: ?)",
    ],
)
def test_the_scan_leaves_plain_sentences_alone(text: str) -> None:
    assert not platform_syntax(text)
