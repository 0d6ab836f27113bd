"""People from outside named after an event count in the organisers' "meetings logged there"
(in `stats` and on the dashboard), on SQLite and PostgreSQL, while their names stay only in
the member's own contacts."""

from __future__ import annotations

from datetime import date, timedelta

from bot.commands.base import ActionInput
from bot.commands.event_followups import ACTION_MET, event_figures
from bot.core.dashboard import Period
from bot.core.identity import Member
from bot.store.dashboard import SqlDashboardStats
from bot.store.database import make_session_factory
from tests.security.test_forget_me import ANA, HERE, World, X, dump, found_in, world

__all__ = ["world"]


def _met(
    world: World, who: Member, event: str, *, picked: tuple[Member, ...] = (), typed: str = ""
) -> None:
    world.buddy.service.press(
        ActionInput(
            ACTION_MET,
            event,
            who,
            picked=tuple(m.user_id for m in picked) or None,
            typed=typed or None,
        )
    )


def _meetings(world: World, event_id: int) -> tuple[int, str]:
    """The dashboard's count of meetings logged there, and the figures `stats` shows."""
    stats = SqlDashboardStats(make_session_factory(world.buddy.engine))
    [held] = stats.events(HERE, period=Period(date(2026, 11, 23), 2), before=world.clock.now())
    with world.buddy.uow_factory() as uow:
        event = uow.events.get_by_id(HERE.workspace, event_id)
        assert event is not None
        return held.meetings, event_figures(uow, event)


async def test_people_from_outside_count_as_meetings_logged_there_without_their_names(
    world: World,
) -> None:
    found = world.cal_night(X, ANA)
    event = str(found.id)
    await world.wait(timedelta(days=1, hours=8))  # Fri 22:00: over, who did you meet?
    _met(world, X, event, picked=(ANA,), typed="Yolanda Quince")
    assert _meetings(world, found.id) == (2, _figures(2))  # one picked, one from outside
    # Three more from outside, one of them named again: counted once, as logged once.
    _met(world, ANA, event, typed="Ulrich Vantongeren, Wilhelmina Oyelaran")
    _met(world, X, event, typed="Yolanda Quince; Zebedee Marchetti")
    assert _meetings(world, found.id) == (5, _figures(5))
    # The typed names are in the members' own contacts and meetings only.
    names = ("Yolanda Quince", "Ulrich Vantongeren", "Wilhelmina Oyelaran", "Zebedee Marchetti")
    assert set(found_in(dump(world.buddy.engine), names)) == {"contacts"}
    # Forgotten with the member who named them: Ana's two stay, X's pick and two go.
    world.say(X, "forget-me confirm")
    assert _meetings(world, found.id) == (2, _figures(2))


def _figures(meetings: int) -> str:
    shown = str(meetings) if meetings >= 5 else "<5"
    return f"going <5 · maybe <5 · can't go <5 · attended <5 · meetings logged there {shown}"
