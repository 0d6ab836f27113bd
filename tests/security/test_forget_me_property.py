"""`forget-me` as a property: whatever the member did, in any order, with others and the clock
going on between, erasing them leaves none of their words, id or name in any table, and nothing
delivered afterwards quotes them. The worked example is test_forget_me.py; this says it for
every sequence hypothesis draws.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.app import build
from bot.commands.base import ActionInput
from bot.commands.event_followups import ACTION_MET
from bot.commands.event_posts import ACTION_GOING, ACTION_MAYBE, ACTION_NO, ACTION_SUGGEST
from bot.commands.intros import ACTION_ACCEPT
from bot.config import Settings
from bot.core.effects import effect_to_json
from bot.core.identity import Member
from tests.fakes import ManualClock
from tests.security.test_forget_me import (
    ANA,
    BEN,
    CAL,
    HERE,
    START,
    X_ID,
    X_NAME,
    Recorder,
    World,
    X,
    dump,
    found_in,
    marker,
)

Step = Callable[[World, str], None]


def _ask_and_post(world: World, m: str) -> None:
    asked = world.say(X, f"ask {m}", channel=HERE)
    for choice in asked.choices:  # "Post anyway" (none once the day's asks are used up)
        world.press(X, choice.action, choice.payload, HERE)


def _accepted(world: World, reason: str, *sides: Member) -> None:
    """Both sides accept the intro asked for with `reason` (if it was asked: a second intro of
    the same two within 90 days is refused)."""
    with world.buddy.engine.connect() as connection:
        made = connection.scalar(text("SELECT id FROM intros WHERE reason = :r"), {"r": reason})
    for side in sides if made is not None else ():
        world.press(side, ACTION_ACCEPT, str(made))


def _intro_made_by_x(world: World, m: str) -> None:
    world.say(X, f"intro <@UANA> <@UCAL> {m}")
    _accepted(world, m, ANA, CAL)


def _intro_of_x_accepted(world: World, m: str) -> None:
    reason = f"cal's own reason {m[2:-2]}"  # Cal's words, not X's: no marker
    world.say(CAL, f"intro <@{X_ID}> <@UBEN> {reason}")
    _accepted(world, reason, X, BEN)


def _promise_edited_then_undone(world: World, m: str) -> None:
    world.say(X, f"promise <@UBEN> draft {m} by friday")
    with world.buddy.engine.connect() as connection:
        number = connection.scalar(
            text("SELECT number FROM promises WHERE what = :w"), {"w": f"draft {m}"}
        )
    world.say(X, f"edit {number} final {m}")  # the old words wait in the promise for `undo`
    world.say(X, "undo")
    world.say(X, f"edit {number} kept {m}")


_LINK = re.compile(r"https?://[^\s\"']+/(?:me|dashboard)\?t=[\w.\-]+")


def _link(world: World, line: str, *, organiser: bool = False) -> str:
    """X asks for a link; the one DMed, as an attacker might later hold it."""
    world.say(X, line, organiser=organiser)
    with world.buddy.engine.connect() as connection:
        payloads = connection.scalars(text("SELECT payload FROM outbox ORDER BY id")).all()
    [*_, link] = (found for payload in payloads for found in _LINK.findall(str(payload)))
    return link


HELD: list[str] = []  # links X was sent in this life (kept by the attacker)


def _page_link(world: World, m: str) -> None:
    HELD.append(_link(world, "me"))


def _page_link_revoked(world: World, m: str) -> None:
    HELD.append(_link(world, "me"))
    world.say(X, "me revoke")


def _dashboard_link(world: World, m: str) -> None:
    HELD.append(_link(world, "dashboard", organiser=True))


async def _attacker_opens(world: World, markers: Sequence[str]) -> None:
    """Every link X was sent, opened over HTTP: 403, and nothing of X on the page."""
    pages = world.buddy.web_pages()
    assert pages is not None
    async with TestClient(TestServer(pages.web_app())) as client:
        for link in HELD:
            parts = urlsplit(link)
            response = await client.get(f"{parts.path}?{parts.query}")
            page = (await response.text()).casefold()
            assert response.status == 403, link
            assert [m for m in markers if m.casefold() in page] == []


def _event_id(world: World, title: str) -> str | None:
    with world.buddy.engine.connect() as connection:
        found = connection.scalar(text("SELECT id FROM events WHERE title = :t"), {"t": title})
    return None if found is None else str(found)


def _event_by_x(world: World, m: str) -> None:
    """X announces an event; Ana goes (and gets its invitation, quoting X's title)."""
    world.say(X, f'event "{m} night" friday 6pm at {m} bar', channel=HERE)
    if (event := _event_id(world, f"{m} night")) is not None:
        world.press(ANA, ACTION_GOING, event, HERE)


def _event_by_x_edited_while_ana_is_quiet(world: World, m: str) -> None:
    """As above, then X moves it while Ana's quiet hours hold the update quoting X's words:
    at X's forget-me that queued row must go, and the cancellation say nothing of X."""
    _event_by_x(world, m)
    with world.buddy.engine.connect() as connection:
        number = connection.scalar(
            text("SELECT number FROM events WHERE title = :t"), {"t": f"{m} night"}
        )
    world.say(ANA, "settings quiet 00:00-23:59")
    world.say(X, f"event edit {number} at {m} pub", channel=HERE)
    world.say(ANA, "settings quiet off")


def _x_goes_to_an_event(world: World, m: str) -> None:
    """Cal's event (Cal's words, no marker): X goes and asks for suggestions."""
    title = f"cal's night {m[2:-2]}"
    world.say(CAL, f'event "{title}" saturday 6pm', channel=HERE)
    if (event := _event_id(world, title)) is not None:
        world.press(X, ACTION_GOING, event, HERE)
        world.press(X, ACTION_SUGGEST, event, HERE)


def _cal_event(world: World, title: str, when: str) -> str | None:
    world.say(CAL, f'event "{title}" {when}', channel=HERE)
    return _event_id(world, title)


def _x_waits_for_a_seat(world: World, m: str) -> None:
    """Cal's event for one: Ana takes the seat, X joins the waiting list."""
    if (event := _cal_event(world, f"cal's dinner {m[2:-2]}", "saturday 8pm limit 1")) is not None:
        world.press(ANA, ACTION_GOING, event, HERE)
        world.press(X, ACTION_GOING, event, HERE)


def _x_holds_a_seat_ana_waits_for(world: World, m: str) -> None:
    """Cal's event for one: X takes the seat, Ana waits; X's forget-me moves her up."""
    if (event := _cal_event(world, f"cal's lunch {m[2:-2]}", "saturday 1pm limit 1")) is not None:
        world.press(X, ACTION_GOING, event, HERE)
        world.press(ANA, ACTION_GOING, event, HERE)


def _x_answers(action: str) -> Step:
    def answer(world: World, m: str) -> None:
        if (event := _cal_event(world, f"cal's talk {m[2:-2]}", "sunday 5pm")) is not None:
            world.press(X, action, event, HERE)

    return answer


def _x_meets_people_at_an_event(world: World, m: str) -> None:
    """Cal's event this afternoon (if still ahead): X, Ana and Ben go, X and Ana ask for
    suggestions (made on the next tick); once it is over they are asked who they met."""
    if (event := _cal_event(world, f"cal's meetup {m[2:-2]}", "today 4pm for 1 hour")) is None:
        return
    for member in (X, ANA, BEN):
        world.press(member, ACTION_GOING, event, HERE)
    for member in (X, ANA):
        world.press(member, ACTION_SUGGEST, event, HERE)


def _picks(who: Member, picked: Member) -> Step:
    """`who` answers every "who did you meet?" they were asked, picking `picked` (and Ben)."""

    def pick(world: World, m: str) -> None:
        with world.buddy.uow_factory() as uow:
            asked = [e.id for e, _ in uow.event_followups.attendance_of(who)]
        for event in asked:
            world.buddy.service.press(
                ActionInput(ACTION_MET, str(event), who, picked=(picked.user_id, BEN.user_id))
            )

    return pick


def _x_names_people_from_outside(world: World, m: str) -> None:
    """X answers "who did you meet?" (for each event they were asked about) with two names of
    people from outside."""
    with world.buddy.uow_factory() as uow:
        asked = uow.event_followups.attendance_of(X)
    for event, _ in asked:
        world.buddy.service.press(
            ActionInput(ACTION_MET, str(event.id), X, typed=f"Zed {m}, Yan {m}")
        )


# What X may do (each typing the step's own marker), and what others do with X.
STEPS: dict[str, Step] = {
    "offer": lambda w, m: w.say(X, f"offer {m} maps"),
    "looking-for": lambda w, m: w.say(X, f"looking-for {m} kubernetes clusters"),
    "met": lambda w, m: w.say(X, f"met <@UANA> {m}"),
    "met outside": lambda w, m: w.say(X, f'met "Sam {m}" at a meetup'),
    "met several": lambda w, m: w.say(X, f"met <@UANA> <@UCAL>, {m}"),
    "promise unsure": lambda w, m: w.say(X, f"promise <@UBEN> {m} notes from friday"),
    "promise edited": _promise_edited_then_undone,
    "note": lambda w, m: w.say(X, f"note <@UANA> {m}"),
    "promise": lambda w, m: w.say(X, f"promise <@UBEN> {m} by friday"),
    "give": lambda w, m: w.say(X, f"give <@UANA> {m}"),
    "ask": _ask_and_post,
    "intro by X": _intro_made_by_x,
    "intro of X": _intro_of_x_accepted,
    "held intro by X": lambda w, m: w.say(X, f"intro <@UBEN> <@UCAL> {m}"),
    "others meet X": lambda w, m: w.say(ANA, f"met <@{X_ID}> at Ana's own words"),
    "quiet hours": lambda w, m: w.say(X, "settings quiet 00:00-23:59"),
    "event by X": _event_by_x,
    "event by X, edited while Ana is quiet": _event_by_x_edited_while_ana_is_quiet,
    "X goes to an event": _x_goes_to_an_event,
    "X waits for a seat": _x_waits_for_a_seat,
    "X holds a seat Ana waits for": _x_holds_a_seat_ana_waits_for,
    "X can't go": _x_answers(ACTION_NO),
    "X may go": _x_answers(ACTION_MAYBE),
    "X meets people at an event": _x_meets_people_at_an_event,
    "X picks who they met": _picks(X, ANA),
    "Ana picks X": _picks(ANA, X),
    "X's page link": _page_link,
    "X's page link, revoked": _page_link_revoked,
    "X's dashboard link": _dashboard_link,
    "X names people from outside": _x_names_people_from_outside,
}
WAITS = st.sampled_from([timedelta(hours=1), timedelta(days=1), timedelta(days=3)])
LIVES = st.lists(st.one_of(st.sampled_from(sorted(STEPS)), WAITS), min_size=1, max_size=8)
_databases = itertools.count()


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(life=LIVES)
@example(life=["event by X", "X goes to an event", timedelta(days=1)])  # events, surely covered
# X's event is cancelled on forget-me; the update held for Ana quotes X and must go.
@example(life=["event by X, edited while Ana is quiet", timedelta(hours=1)])
@example(  # every answer, a waiting-list place, suggestions and who met whom there
    life=[
        "X waits for a seat",
        "X holds a seat Ana waits for",
        "X can't go",
        "X may go",
        "X meets people at an event",
        timedelta(hours=1),
        timedelta(days=1),
        "X picks who they met",
        "Ana picks X",
    ]
)
@example(life=["X's page link, revoked", "met", "X's dashboard link", "X's page link"])
@example(life=["intro of X"])  # Ben's calendar file for it is titled with X's name
@example(life=["X goes to an event", timedelta(days=3), "X names people from outside"])
def test_whatever_a_member_did_forget_me_leaves_none_of_it_anywhere(
    life: list[str | timedelta], sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / f"buddy-{next(_databases)}.sqlite3"
    shutil.copyfile(sqlite_template, path)
    clock = ManualClock(START)
    # Links live 30 days, the longest allowed: refused after the waits below for being erased,
    # not for having expired.
    settings = Settings(database_url=f"sqlite:///{path}", buddy_link_hours=720)
    buddy = build(settings, clock=clock, link_keys=["forget-me-property"])
    world = World(buddy, clock, Recorder())
    HELD.clear()
    try:
        asyncio.run(_live_then_forget(world, life))
    finally:
        buddy.engine.dispose()


async def _live_then_forget(world: World, life: list[str | timedelta]) -> None:
    for someone in (ANA, BEN, CAL):
        world.say(someone, "settings timezone UTC")
    world.say(BEN, "offer maps")  # X's looking-for may reach him as a give idea
    world.say(X, "settings timezone UTC")
    typed = []
    for number, step in enumerate(life):
        if isinstance(step, timedelta):
            await world.wait(step)
            continue
        typed.append(marker(f"s{number}"))
        STEPS[step](world, typed[-1])
    markers = (*typed, X_ID, X_NAME)

    world.say(X, "forget-me confirm")

    assert found_in(dump(world.buddy.engine), markers) == {}
    world.recorder.sent.clear()
    for _ in range(3):  # held messages come due, digests and follow-ups go out
        await world.wait(timedelta(days=3))
    sent = repr([effect_to_json(effect) for effect in world.recorder.sent]).casefold()
    assert [m for m in markers if m.casefold() in sent] == []
    # An attacker holding any link X was sent (revoked or not) is refused; still so once X
    # uses the bot again, which starts a new profile no older link reaches.
    await _attacker_opens(world, markers)
    world.say(X, "settings timezone UTC")
    await _attacker_opens(world, (*typed, X_NAME))
