"""Attacks on ice-breakers: reading the other side's private records, or a blocked person,
out of the DM a member gets when an introduction is made or a pairing group formed.

Whatever Bob logged about Alice (his notes, the contexts of his meetings with her, what he
promised or gave her) and his profile while he keeps it hidden must never reach Alice's
ice-breaker; and no ice-breaker ever names someone its reader blocked or was blocked by.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands.ice_breakers import queue_ice_breakers
from bot.commands.intros import ACTION_ACCEPT
from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.effects import DirectMessage
from bot.core.identity import Member
from bot.core.message import Message, Paragraph, UserText, members_named
from bot.core.outgoing import Outgoing
from tests.fakes import InMemoryStore, ManualClock
from tests.security.worlds import Worlds, open_worlds
from tests.unit.harness import ALICE, BOB, CAROL, NOW, Buddy

# Bob's words: letters only after a marker Alice's own records never hold.
secrets = st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=12).map(lambda s: f"zq{s}")


def _buddy() -> Buddy:
    store, clock = InMemoryStore(), ManualClock(NOW)
    service = CommandService(uow_factory=store, clock=clock, commands=COMMANDS, actions=ACTIONS)
    return Buddy(service=service, store=store, clock=clock)


def _ice_breakers_to(buddy: Buddy, member: Member) -> list[Message]:
    return [
        row.effect.message
        for row in buddy.store.dms_to(member)
        if ":ice:" in row.key and isinstance(row.effect, DirectMessage)
    ]


def _every_word(msg: Message) -> str:
    """All the message says, its quoted user text included (plain text holds it too)."""
    quoted = [
        part.text
        for block in msg.blocks
        for para in ((block,) if isinstance(block, Paragraph) else block.items)
        for part in para.parts
        if isinstance(part, UserText)
    ]
    return "\n".join([msg.plain_text(), *quoted])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    note=secrets,
    context=secrets,
    promised=secrets,
    given_=secrets,
    offer=secrets,
    seeks=secrets,
)
def test_bobs_private_records_never_appear_in_alices_ice_breaker(
    note: str, context: str, promised: str, given_: str, offer: str, seeks: str
) -> None:
    buddy = _buddy()
    buddy.say("met <@UBOB> at PyCon", by=ALICE)  # Alice's own history with Bob
    buddy.say("offer maps", by=ALICE)
    buddy.say(f"met <@UALICE> {context}", by=BOB)
    buddy.say(f"note <@UALICE> {note}", by=BOB)
    buddy.say(f"promise <@UALICE> {promised}", by=BOB)
    buddy.say(f"give <@UALICE> {given_}", by=BOB)
    buddy.say(f"offer {offer}", by=BOB)
    buddy.say(f"looking-for {seeks}", by=BOB)
    buddy.say("settings profile hidden", by=BOB)
    buddy.say("intro <@UALICE> <@UBOB> you should talk", by=CAROL)
    [intro] = buddy.store.state.intros.values()
    for member in (ALICE, BOB):
        buddy.press(ACTION_ACCEPT, str(intro.id), by=member)

    [to_alice] = _ice_breakers_to(buddy, ALICE)
    words = _every_word(to_alice)
    assert "at PyCon" in words  # her own history is there
    for secret in (note, context, promised, given_, offer, seeks):
        assert secret not in words
    # And Bob's own DM holds his words, never Alice's.
    [to_bob] = _ice_breakers_to(buddy, BOB)
    assert note in _every_word(to_bob) and "PyCon" not in _every_word(to_bob)


def test_an_ice_breaker_never_names_someone_its_reader_blocked_or_was_blocked_by() -> None:
    buddy = _buddy()
    for member in (ALICE, BOB, CAROL):
        buddy.say("offer maps", by=member)
    buddy.say("met <@UCAROL> at PyCon", by=ALICE)
    buddy.say("block <@UCAROL>", by=ALICE)
    with buddy.store() as uow:
        profiles = [uow.profiles.get(m) for m in (ALICE, BOB, CAROL)]
        outgoing = Outgoing(NOW)
        queue_ice_breakers(
            uow, outgoing, [p for p in profiles if p], about="a test", key="t", seed=1
        )
        outgoing.queue(uow)
        uow.commit()
    [to_alice] = _ice_breakers_to(buddy, ALICE)
    [to_carol] = _ice_breakers_to(buddy, CAROL)
    assert members_named(to_alice) == {BOB}
    assert members_named(to_carol) == {BOB}
    assert "PyCon" not in _every_word(to_alice)


@pytest.fixture
def worlds(database_url: str) -> Iterator[Worlds]:
    yield from open_worlds(database_url)


def test_no_pairing_ice_breaker_mentions_a_blocked_person(worlds: Worlds) -> None:
    members = ("UALICE", "UBOB", "UCAROL", "UDAN")
    worlds.say("w", "pairing on", by="UORG", in_channel=True, is_organiser=True)
    for user in members:
        if user != "UBOB":
            worlds.say("w", "met <@UBOB> at PyCon", by=user)
        worlds.say("w", "join", by=user, in_channel=True)
    worlds.say("w", "block <@UBOB>", by="UALICE")
    worlds.say("w", "pairing now", by="UORG", in_channel=True, is_organiser=True)
    worlds.wait(timedelta(days=1))

    ice = {u: [s.text for s in worlds.dms_to("w", u) if s.text.startswith("🧊")] for u in members}
    assert sum(len(found) for found in ice.values()) >= 2  # the groups formed got theirs
    assert all("@UBOB" not in text for text in ice["UALICE"])
    assert all("@UALICE" not in text for text in ice["UBOB"])
