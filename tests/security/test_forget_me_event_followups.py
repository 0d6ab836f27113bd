"""Who a member met at an event and who was suggested to them are theirs: `export` lists them,
and `forget-me` leaves none of it, nor their id in what others said they met."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.commands.base import ActionInput
from bot.commands.event_followups import ACTION_MET
from bot.commands.event_posts import ACTION_GOING, ACTION_SUGGEST
from bot.core.effects import DirectMessage
from bot.core.identity import Member
from tests.security.test_forget_me import (
    ANA,
    BEN,
    CAL,
    HERE,
    X_ID,
    X_NAME,
    World,
    X,
    dump,
    found_in,
    world,
)

__all__ = ["world"]


def _pick(world: World, who: Member, event: str, *picked: Member) -> None:
    world.buddy.service.press(
        ActionInput(ACTION_MET, event, who, picked=tuple(m.user_id for m in picked))
    )


async def test_export_lists_answers_and_suggestions_and_forget_me_erases_them(
    world: World,
) -> None:
    world.say(CAL, 'event "Cal night" friday 6pm', channel=HERE)
    with world.buddy.uow_factory() as uow:
        [found] = uow.events.upcoming(HERE, now=world.clock.now())
        event = str(found.id)
    for member in (X, ANA, BEN):
        world.say(member, "settings timezone UTC")
        world.press(member, ACTION_GOING, event, HERE)
    world.press(X, ACTION_SUGGEST, event)
    world.press(ANA, ACTION_SUGGEST, event)
    await world.wait(timedelta(hours=25, minutes=30))  # Fri 15:30: suggestions
    await world.wait(timedelta(hours=5))  # over: who did you meet?
    _pick(world, X, event, ANA, BEN)
    world.buddy.service.press(ActionInput(ACTION_MET, event, X, typed="Zed Outsider"))
    _pick(world, ANA, event, X)
    # Cal announced it but was not going: never asked, so a forged pick logs nothing.
    _pick(world, CAL, event, ANA)
    with world.buddy.uow_factory() as uow:
        assert uow.event_followups.attendance_of(CAL) == []
        assert uow.contacts.find_member(CAL, "UANA") is None

    world.recorder.sent.clear()
    world.say(X, "export")
    await world.wait(timedelta(minutes=1))
    [exported] = [
        json.loads(e.message.attachment.content)
        for e in world.recorder.sent
        if isinstance(e, DirectMessage) and e.message.attachment is not None
    ]
    [met] = exported["event_met"]
    assert met["title"] == "Cal night" and met["met"] == ["UANA", "UBEN"] and met["answered"]
    assert "Zed Outsider" in json.dumps(exported)  # a contact from outside, met there
    assert exported["event_suggestions"] == [
        {"event": 1, "title": "Cal night", "suggested": "UANA"}
    ]

    world.say(X, "forget-me confirm")
    assert found_in(dump(world.buddy.engine), (X_ID, X_NAME, "Zed Outsider")) == {}
    with world.buddy.uow_factory() as uow:
        [(_, ana)] = uow.event_followups.attendance_of(ANA)
        assert ana.met == ()  # Ana's answer no longer names X
        assert uow.event_followups.suggestions_of(ANA) == []
