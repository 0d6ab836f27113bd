"""A member whose DMs failed for good hears about it once, in their next reply."""

from __future__ import annotations

from tests.fakes import InMemoryStore
from tests.unit.harness import ALICE, BOB, Buddy


def test_the_next_reply_tells_the_member_once_that_dms_could_not_reach_them(
    buddy: Buddy, store: InMemoryStore
) -> None:
    store.state.undelivered[ALICE] = 1  # the delivery side found Alice's DMs closed

    first = buddy.say("promises")
    second = buddy.say("promises")

    assert first.endswith(
        "📭 I couldn't DM you: your DMs from this app seem closed — a message didn't reach you. "
        "Allow direct messages from me, and reminders will reach you again."
    )
    assert "couldn't DM" not in second
    assert "couldn't DM" not in buddy.say("promises", by=BOB)


def test_a_reply_that_changes_nothing_keeps_the_notice_for_later(
    buddy: Buddy, store: InMemoryStore
) -> None:
    store.state.undelivered[ALICE] = 2

    assert "couldn't DM" not in buddy.say("done 42")  # refused: rolled back
    assert "2 messages didn't reach you" in buddy.say("help")
