"""The block repository's contract: one member's blocks, counted both ways."""

from __future__ import annotations

from bot.core.ports import UnitOfWorkFactory
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, CARA, NOW


def blocks_are_one_members_and_count_both_ways(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.blocks.add(ANN, BOB.user_id, now=NOW)
        assert not uow.blocks.add(ANN, BOB.user_id, now=NOW)
        uow.blocks.add(ANN_ELSEWHERE, CARA.user_id, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.blocks.between(ANN, BOB) and uow.blocks.between(BOB, ANN)
        assert not uow.blocks.between(ANN, CARA)  # Ann's block of Cara is in another workspace
        [block] = uow.blocks.list(ANN)
        assert (block.owner, block.blocked, block.created_at) == (ANN, BOB, NOW)
        assert uow.blocks.list(BOB) == []
        assert uow.blocks.in_workspace(ANN.workspace) == [block]
        assert uow.blocks.either_way(ANN) == {BOB.user_id}
        assert uow.blocks.either_way(BOB) == {ANN.user_id}
        assert uow.blocks.either_way(CARA) == frozenset()
        assert uow.blocks.either_way(ANN_ELSEWHERE) == {CARA.user_id}
        assert uow.blocks.remove(ANN, BOB.user_id)
        assert not uow.blocks.remove(ANN, BOB.user_id)
        uow.commit()
    with uow_factory() as uow:
        assert not uow.blocks.between(ANN, BOB)
