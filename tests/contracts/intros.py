"""The intro repository's contract: kept, found by pair and by member, due notices in order."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.core.intros import ANSWER_WINDOW
from bot.core.ports import UnitOfWorkFactory
from bot.core.records import IntroAnswer, IntroStatus
from tests.contracts.given import an_intro
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, CARA, DEE, NOW


def an_intro_round_trips_and_only_its_workspace_finds_it(
    uow_factory: UnitOfWorkFactory,
) -> None:
    intro = an_intro(uow_factory)
    assert intro.status is IntroStatus.PENDING
    assert intro.notice_at == intro.expires_at == NOW + ANSWER_WINDOW
    with uow_factory() as uow:
        assert uow.intros.get(ANN.workspace, intro.id) == intro
        assert uow.intros.get(ANN_ELSEWHERE.workspace, intro.id) is None
        answered = replace(
            intro,
            status=IntroStatus.DECLINED,
            a_answer=IntroAnswer.ACCEPTED,
            b_answer=IntroAnswer.DECLINED,
            closed_at=NOW + timedelta(hours=1),
        )
        uow.intros.save(answered)
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.get(ANN.workspace, intro.id) == answered
        assert uow.intros.involving(ANN) == uow.intros.involving(CARA) == [answered]
        assert uow.intros.involving(DEE) == []


def intros_are_found_by_pair_either_way_round_and_counted_while_waiting(
    uow_factory: UnitOfWorkFactory,
) -> None:
    intro = an_intro(uow_factory)
    with uow_factory() as uow:
        assert uow.intros.between_since(BOB, ANN, since=NOW) == [intro]
        assert uow.intros.between_since(ANN, BOB, since=NOW + timedelta(seconds=1)) == []
        assert uow.intros.between_since(ANN, DEE, since=NOW - timedelta(days=1)) == []
        assert uow.intros.open_between(BOB, ANN) == [intro]
        assert uow.intros.waiting(CARA) == 1
        assert uow.intros.waiting(ANN) == 0
        uow.intros.save(replace(intro, status=IntroStatus.MADE, notice_at=None))
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.waiting(CARA) == 0
        assert uow.intros.open_between(ANN, BOB) == []
        [made] = uow.intros.between_since(ANN, BOB, since=NOW)
        assert made.status is IntroStatus.MADE


def a_withheld_intro_is_its_introducers_alone_and_waits_like_any_other(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        withheld = uow.intros.add(
            introducer=CARA,
            a=ANN,
            b=BOB,
            reason="both love maps",
            channel=None,
            now=NOW,
            expires_at=NOW + ANSWER_WINDOW,
            withheld=True,
        )
        uow.commit()
    assert withheld.withheld and withheld.notice_at == NOW + ANSWER_WINDOW
    with uow_factory() as uow:
        assert uow.intros.get(ANN.workspace, withheld.id) == withheld
        assert uow.intros.involving(CARA) == [withheld]
        assert uow.intros.involving(ANN) == uow.intros.involving(BOB) == []
        assert uow.intros.between_since(BOB, ANN, since=NOW) == [withheld]
        assert uow.intros.waiting(CARA) == 1
        assert uow.intros.due_notices(now=NOW + ANSWER_WINDOW, limit=9) == [withheld]


def due_notices_come_oldest_first_and_only_once_due(uow_factory: UnitOfWorkFactory) -> None:
    first = an_intro(uow_factory)
    with uow_factory() as uow:
        later = uow.intros.add(
            introducer=DEE,
            a=ANN,
            b=CARA,
            reason="x",
            channel=None,
            now=NOW + timedelta(hours=1),
            expires_at=NOW + ANSWER_WINDOW + timedelta(hours=1),
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.intros.due_notices(now=NOW + ANSWER_WINDOW - timedelta(seconds=1), limit=9) == []
        assert uow.intros.due_notices(now=NOW + ANSWER_WINDOW, limit=9) == [first]
        assert uow.intros.due_notices(now=NOW + timedelta(days=30), limit=9) == [first, later]
        assert uow.intros.due_notices(now=NOW + timedelta(days=30), limit=1) == [first]
        assert later.channel is None
