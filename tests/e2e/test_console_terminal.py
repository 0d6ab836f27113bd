"""The console at a terminal: prompt_toolkit's line editing, history, completion and keys."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from bot.adapters.console import ConsoleMessenger, ConsoleScreen, ConsoleSession, read_eval_print
from bot.adapters.console.terminal import make_completer
from bot.app import build
from bot.config import Settings
from bot.core.identity import Platform
from tests.fakes import ManualClock

CTRL_C = "\x03"
CTRL_D = "\x04"


@pytest.fixture
def session(tmp_path: Path) -> Iterator[tuple[ConsoleSession, io.StringIO]]:
    clock = ManualClock(datetime(2026, 11, 26, 14, 57, tzinfo=UTC))
    buddy = build(
        Settings(database_url=f"sqlite:///{tmp_path / 'buddy.sqlite3'}"),
        clock=clock,
    )
    out = io.StringIO()
    screen = ConsoleScreen(out)
    delivery = buddy.delivery({Platform.CONSOLE: ConsoleMessenger(screen)})
    ticker = buddy.ticker(after_tick=delivery.deliver_due)
    yield (
        ConsoleSession(
            service=buddy.service,
            screen=screen,
            user="me",
            after_each=delivery.deliver_due,
            clock=clock,
            tick=ticker.tick,
        ),
        out,
    )
    buddy.engine.dispose()


async def type_keys(session: ConsoleSession, out: io.StringIO, keys: str) -> str:
    with create_pipe_input() as terminal:
        terminal.send_text(keys)
        await read_eval_print(
            session,
            ConsoleScreen(out),
            io.StringIO(),
            terminal_input=terminal,
            terminal_output=DummyOutput(),
        )
    return out.getvalue()


async def test_ctrl_c_clears_the_line_and_ctrl_d_leaves(
    session: tuple[ConsoleSession, io.StringIO],
) -> None:
    shown = await type_keys(
        *session, f"met @sam at PyCon\rpromise @sam the half-typed thing{CTRL_C}promises\r{CTRL_D}"
    )
    assert "Noted: you met @sam at PyCon." in shown
    assert "No open promises." in shown  # the cleared line never ran
    assert "half-typed" not in shown


def completions(text: str, names: set[str]) -> list[str]:
    completer = make_completer(lambda: names)
    found = completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
    return [completion.text for completion in found]


def test_tab_completes_commands_first_and_at_names_anywhere() -> None:
    assert completions("prom", set()) == ["promise", "promises", "prompts"]
    assert completions("organ", set()) == ["organisers"]  # the console's own words too
    assert completions("promise @s", {"sam", "sara", "ana"}) == ["@sam", "@sara"]
    assert completions("promise the sl", {"sam"}) == []  # free text is left alone
