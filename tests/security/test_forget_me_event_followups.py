"""Who a member met at an event, who was suggested to them, and their answers (a waiting-list
place and an opt-in to suggestions among them) are theirs: `export` lists them, and `forget-me`
leaves none of it, nor their id in what others said they met."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any, cast

from bot.commands.base import ActionInput
from bot.commands.event_followups import ACTION_MET
from bot.commands.event_posts import ACTION_GOING, ACTION_MAYBE, ACTION_NO, ACTION_SUGGEST
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
    event = str(world.cal_night(X, ANA, BEN).id)
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


async def _exported(world: World, who: Member) -> dict[str, Any]:
    world.recorder.sent.clear()
    world.say(who, "export")
    await world.wait(timedelta(minutes=1))
    [data] = [
        json.loads(e.message.attachment.content)
        for e in world.recorder.sent
        if isinstance(e, DirectMessage) and e.message.attachment is not None
    ]
    return cast(dict[str, Any], data)


async def test_export_lists_every_answer_a_waiting_place_and_an_opt_in_and_forget_me_erases_them(
    world: World,
) -> None:
    """X's own answers to four events (going and asking for suggestions, waiting for a seat,
    maybe, can't go), and only X's: nobody else's answer is in X's export."""
    for title, when in (
        ("Going night", "friday 6pm"),
        ("Full dinner", "friday 8pm limit 1"),
        ("Maybe talk", "saturday 5pm"),
        ("No brunch", "sunday 11am"),
    ):
        world.say(CAL, f'event "{title}" {when}', channel=HERE)
    world.say(X, "settings timezone UTC")
    world.press(ANA, ACTION_GOING, "2", HERE)  # takes the dinner's one seat
    world.press(BEN, ACTION_NO, "1", HERE)
    for action, event in (
        (ACTION_GOING, "1"),
        (ACTION_SUGGEST, "1"),
        (ACTION_GOING, "2"),
        (ACTION_MAYBE, "3"),
        (ACTION_NO, "4"),
    ):
        world.press(X, action, event, HERE)
    await world.wait(timedelta(minutes=1))

    answers = {
        a["title"]: (a["answer"], a["suggest_people"])
        for a in (await _exported(world, X))["event_answers"]
    }
    assert answers == {
        "Going night": ("going", True),
        "Full dinner": ("waiting", False),
        "Maybe talk": ("maybe", False),
        "No brunch": ("no", False),
    }
    assert [a["answer"] for a in (await _exported(world, BEN))["event_answers"]] == ["no"]

    world.say(X, "forget-me confirm")
    assert found_in(dump(world.buddy.engine), (X_ID, X_NAME)) == {}
    with world.buddy.uow_factory() as uow:
        assert uow.events.answers_of(X) == []
        assert [(e.title, r.answer.value) for e, r in uow.events.answers_of(BEN)] == [
            ("Going night", "no")
        ]
