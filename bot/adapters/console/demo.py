"""`buddy console --demo`: a short guided tour, typed for you, that shows a week in a minute."""

from __future__ import annotations

from bot.adapters.console.screen import ConsoleScreen
from bot.adapters.console.session import ConsoleSession

# What the guide says, then the line it types (None: nothing to type).
TOUR: tuple[tuple[str, str | None], ...] = (
    ("You met someone. Tell the bot, with a few words of context:", "met @sam at PyCon — Rust"),
    ("You promised someone else a book. Say when, and you'll be reminded:", None),
    ("", "promise @ana the book in 2 days"),
    ("And you'd like to hear from @lee every week:", "keep-in-touch @lee every week"),
    ("Let two days go by: the console's clock moves on, and what falls due shows up.", None),
    ("", "wait 2 days"),
    ("Buttons are pressed with `click`: the book is on its way.", "click Done #1"),
    ("A day later, the bot asks about @sam:", "wait 1 day"),
    ("One more week: the Monday digest, and the nudge about @lee.", "wait 1 week"),
    ("Everyone you have dealings with, and what happened:", "people"),
)
END = (
    "💬 That was ten days in a minute. Now it's your turn: type `help` for every command. "
    "This tour's data is thrown away when you leave."
)


async def play_tour(session: ConsoleSession, screen: ConsoleScreen) -> None:
    for said, line in TOUR:
        if said:
            screen.say(f"\n💬 {said}")
        if line is not None:
            screen.say(session.prompt + line)
            await session.handle_line(line)
    screen.say(f"\n{END}")
