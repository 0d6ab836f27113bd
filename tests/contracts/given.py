"""What the contract suites start from: records put in place through the ports themselves."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from bot.core.identity import Channel, Member
from bot.core.intros import ANSWER_WINDOW
from bot.core.ports import UnitOfWork, UnitOfWorkFactory
from bot.core.records import Intro, PairingChannel
from tests.integration.people import ANN, BOB, CARA, LOBBY, NOW


def an_intro(uow_factory: UnitOfWorkFactory, *, introducer: Member = CARA) -> Intro:
    with uow_factory() as uow:
        intro = uow.intros.add(
            introducer=introducer,
            a=ANN,
            b=BOB,
            reason="both love maps",
            channel=LOBBY,
            now=NOW,
            expires_at=NOW + ANSWER_WINDOW,
        )
        uow.commit()
    return intro


def pairing_on(uow_factory: UnitOfWorkFactory, channel: Channel = LOBBY) -> PairingChannel:
    with uow_factory() as uow:
        pairing = uow.pairing.put_channel(
            channel,
            every_weeks=2,
            group_size=3,
            weekday=1,
            at=time(9, 30),
            timezone="Europe/Paris",
            repeat_window=6,
            organiser=CARA,
            next_round_at=NOW + timedelta(days=1),
            heads_up_at=NOW,
            channel_name="lobby",
            now=NOW,
        )
        uow.commit()
    return pairing


def add_promise(
    uow: UnitOfWork,
    owner: Member,
    what: str,
    *,
    remind_at: Any = None,
    heads_up_at: Any = None,
    number: int | None = None,
) -> int:
    contact = uow.contacts.find_name(owner, "Sam") or uow.contacts.add(
        owner=owner, name="Sam", member_user_id=None, now=NOW
    )
    taken = [p.number for p in uow.promises.list_open(owner)]
    promise = uow.promises.add(
        owner=owner,
        contact_id=contact.id,
        what=what,
        number=number or max(taken, default=0) + 1,
        now=NOW,
        due_at=remind_at,
        remind_at=remind_at,
        heads_up_at=heads_up_at,
    )
    return promise.id
