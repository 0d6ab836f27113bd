"""The read-eval-print loop: prompt_toolkit at a terminal, plain lines from a pipe or file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TextIO

from bot.adapters.console.demo import play_tour
from bot.adapters.console.screen import ConsoleScreen
from bot.adapters.console.session import ConsoleSession
from bot.commands.registry import COMMANDS

if TYPE_CHECKING:  # loaded only at a terminal, so scripted runs start faster
    from prompt_toolkit.completion import CompleteEvent, Completer, Completion
    from prompt_toolkit.document import Document
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

CONSOLE_WORDS = ("as", "in", "click", "pick", "wait", "organisers", "quit")


def command_words() -> list[str]:
    """What the first word of a line may be: every command, alias and console extra."""
    names = {name for spec in COMMANDS for name in (spec.name, *spec.aliases)}
    return sorted(names | set(CONSOLE_WORDS))


def make_completer(names: Callable[[], Iterable[str]]) -> Completer:
    """Commands as the first word, `@names` (the members this session has seen) anywhere."""
    from prompt_toolkit.completion import Completer, Completion

    words = command_words()

    class LineCompleter(Completer):
        def get_completions(
            self, document: Document, complete_event: CompleteEvent
        ) -> Iterable[Completion]:
            typed = document.get_word_before_cursor(WORD=True)
            if typed.startswith("@"):
                candidates = [f"@{name}" for name in sorted(set(names()))]
            elif document.text_before_cursor.strip() == typed:
                candidates = words
            else:
                return
            for candidate in candidates:
                if candidate.startswith(typed.lower()) and candidate != typed:
                    yield Completion(candidate, start_position=-len(typed))

    return LineCompleter()


async def read_eval_print(
    session: ConsoleSession,
    screen: ConsoleScreen,
    stdin: TextIO,
    *,
    tour: bool = False,
    terminal_input: Input | None = None,
    terminal_output: Output | None = None,
) -> None:
    """Interactive at a terminal (or given prompt_toolkit's input); scripted otherwise: lines
    until EOF, echoed as a transcript. `tour`: the guided tour plays first."""
    screen.say(session.banner())
    if tour:
        await play_tour(session, screen)
    if terminal_input is not None or stdin.isatty():
        await _interactive(session, terminal_input=terminal_input, terminal_output=terminal_output)
        return
    while line := await asyncio.to_thread(stdin.readline):
        if line.strip():
            screen.say(session.prompt + line.strip())
        if not await session.handle_line(line):
            break


async def _interactive(
    session: ConsoleSession, *, terminal_input: Input | None, terminal_output: Output | None
) -> None:
    """Line editing, history and completion; Ctrl-C clears the line, Ctrl-D leaves. What the
    bot sends meanwhile prints above the prompt, which is then redrawn."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.patch_stdout import patch_stdout

    prompt: PromptSession[str] = PromptSession(
        completer=make_completer(lambda: session.names),
        complete_while_typing=False,  # Tab completes; typing stays undisturbed
        input=terminal_input,
        output=terminal_output,
    )
    with patch_stdout(raw=True):
        while True:
            try:
                line = await prompt.prompt_async(session.prompt)
            except KeyboardInterrupt:
                continue
            except EOFError:
                return
            if not await session.handle_line(line):
                return
