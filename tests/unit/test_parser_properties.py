"""Whatever a member types, the bot answers with a message and never falls over."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.base import ActionInput, CommandInput
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.replies import oops_reply
from bot.commands.service import CommandService
from bot.core.identity import Member
from bot.core.message import Message, Paragraph, Strong
from tests.fakes import InMemoryStore, ManualClock
from tests.mentions import mentions_in
from tests.unit.harness import ALICE, BOB, NAMES, NOW

NAMES_AND_ALIASES = sorted({name for spec in COMMANDS for name in (spec.name, *spec.aliases)})
FRAGMENTS = [
    "<@UBOB>", "<@UALICE>", "<@UBOB|bob>", "<@!123>", "<@&42>", "@everyone", "@here", "<!channel>",
    "<!subteam^S1|@devs>", '"Ana Lima"', "“Zoë 🌸”", '"', "“", "by", "in", "on", "at", "before",
    "friday", "next friday", "2 days", "tomorrow 9am", "1 minute", "yesterday", "dec 3", "<t:1>",
    "every", "week", "month", "off", "1", "2", "#1", "0", "²", "١", "-", "confirm", "timezone",
    "Europe/Paris", "tz", "quiet", "22:00-08:00", "digest", "monday", "9am", "intros", "on",
    "🤝", "👩‍👩‍👧", "e\u0301", "\u200b", "\t", "\n", "x" * 300, "/buddy",
]  # fmt: skip

tails = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=8).map(" ".join),
)
command_lines = st.one_of(
    st.text(max_size=80),
    st.tuples(st.sampled_from(["", "/buddy "]), st.sampled_from(NAMES_AND_ALIASES), tails).map(
        lambda t: f"{t[0]}{t[1]} {t[2]}"
    ),
)
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Markup a platform would act on: mentions, broadcasts, role and channel pings.
PINGS = re.compile(r"<[@!#]|@(?:everyone|here|channel)\b", re.IGNORECASE)
OOPS = oops_reply()


def fresh_service() -> CommandService:
    """A bot where Alice already has a contact and two promises, so numbers can hit."""
    service = CommandService(
        uow_factory=InMemoryStore(), clock=ManualClock(NOW), commands=COMMANDS, actions=ACTIONS
    )
    for line in ("met <@UBOB>", "promise <@UBOB> the slides by friday", "promise <@UBOB> x"):
        service.run(CommandInput(line, ALICE, mentions=mentions_in(line, by=ALICE, names=NAMES)))
    return service


def run(text: str) -> Message:
    mentions = mentions_in(text, by=ALICE, names=NAMES)
    return fresh_service().run(CommandInput(text, ALICE, invoker_name="Alice", mentions=mentions))


def bot_authored(msg: Message) -> str:
    """The text the bot wrote itself, which adapters render as markup (user text is escaped)."""
    paragraphs = [b for b in msg.blocks if isinstance(b, Paragraph)]
    paragraphs += [item for b in msg.blocks if not isinstance(b, Paragraph) for item in b.items]
    parts = [part for p in paragraphs for part in p.parts]
    return "".join(
        p.text if isinstance(p, Strong) else p for p in parts if isinstance(p, str | Strong)
    )


@PROPERTY_SETTINGS
@given(text=command_lines)
def test_any_text_gets_a_non_empty_reply_and_never_an_internal_error(text: str) -> None:
    reply = run(text)
    assert isinstance(reply, Message)
    assert reply.plain_text().strip()
    assert reply != OOPS, f"internal error for {text!r}"


@PROPERTY_SETTINGS
@given(text=command_lines)
def test_typed_text_never_comes_back_as_a_mention_or_broadcast(text: str) -> None:
    assert not PINGS.search(bot_authored(run(text)))


@PROPERTY_SETTINGS
@given(
    action=st.sampled_from([spec.action for spec in ACTIONS] + ["no.such.action"]),
    payload=st.one_of(st.text(max_size=30), st.integers(-5, 10**20).map(str)),
    by=st.sampled_from([ALICE, BOB]),
)
def test_any_button_payload_gets_a_reply_and_never_an_internal_error(
    action: str, payload: str, by: Member
) -> None:
    reply = fresh_service().press(ActionInput(action, payload, by))
    assert reply.plain_text().strip()
    assert reply != OOPS, f"internal error for {action} {payload!r}"
