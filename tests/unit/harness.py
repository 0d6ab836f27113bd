"""A member's-eye driver for the command service: type a line, read the reply."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.commands.base import ActionInput, CommandInput
from bot.commands.privacy import EXPORT_FILENAME, EXPORTED
from bot.commands.service import CommandService
from bot.core.effects import DirectMessage
from bot.core.identity import Channel, Member, Platform
from bot.core.message import Message
from tests.fakes import InMemoryStore, ManualClock, StoreState
from tests.mentions import mentions_in

# Thursday 26 November 2026, 14:57 UTC.
NOW = datetime(2026, 11, 26, 14, 57, tzinfo=UTC)

ALICE = Member(Platform.SLACK, "T1", "UALICE")
BOB = Member(Platform.SLACK, "T1", "UBOB")
CAROL = Member(Platform.SLACK, "T1", "UCAROL")
# The same user id in another workspace is another person, as far as the bot knows.
ALICE_IN_T2 = Member(Platform.SLACK, "T2", "UALICE")
GENERAL = Channel(Platform.SLACK, "T1", "CGENERAL")

NAMES = {"UALICE": "Alice", "UBOB": "Bob", "UCAROL": "Carol", "USAM": "Sam"}


@dataclass
class Buddy:
    """The bot as members meet it: every call is one command or button press."""

    service: CommandService
    store: InMemoryStore
    clock: ManualClock
    names: Mapping[str, str] = field(default_factory=lambda: dict(NAMES))

    def run(self, text: str, *, by: Member = ALICE, **extra: Any) -> Message:
        extra.setdefault("mentions", mentions_in(text, by=by, names=self.names))
        extra.setdefault("invoker_name", self.names.get(by.user_id, ""))
        return self.service.run(CommandInput(text=text, invoker=by, **extra))

    def say(self, text: str, *, by: Member = ALICE, **extra: Any) -> str:
        """The reply's plain text."""
        return self.run(text, by=by, **extra).plain_text()

    def press(self, action: str, payload: str = "", *, by: Member = ALICE, **extra: Any) -> Message:
        return self.service.press(ActionInput(action=action, payload=payload, invoker=by, **extra))

    def snapshot(self) -> StoreState:
        return self.store.snapshot()

    def refused(self, text: str, *, by: Member = ALICE, **extra: Any) -> str:
        """Run a command that must be turned down kindly, changing nothing; its reply."""
        before = self.store.snapshot()
        reply = self.say(text, by=by, **extra)
        assert reply.startswith("⚠️"), reply
        assert self.store.snapshot() == before, f"{text!r} changed the store"
        return reply

    def export(self, *, by: Member = ALICE) -> dict[str, Any]:
        """Run `export` and read back the JSON file the member would receive."""
        # What an export holds is read many times an hour here; the hourly limit is tested in
        # tests/security, so earlier exports are forgotten first.
        marks = self.store.state.usage_marks
        self.store.state.usage_marks = {k: m for k, m in marks.items() if m.kind != EXPORTED}
        before = {row.key for row in self.store.dms_to(by)}
        self.run("export", by=by)
        new = [row for row in self.store.dms_to(by) if row.key not in before]
        assert len(new) == 1, "export queues exactly one DM"
        effect = new[0].effect
        assert isinstance(effect, DirectMessage)
        attachment = effect.message.attachment
        assert attachment is not None and attachment.filename == EXPORT_FILENAME
        data: dict[str, Any] = json.loads(attachment.content)
        return data
