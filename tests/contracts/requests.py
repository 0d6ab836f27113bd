"""The request log's contract: a signed request runs once, unless its work rolled back."""

from __future__ import annotations

from bot.core.ports import UnitOfWorkFactory

AT = 1_800_000_000  # a Slack timestamp


def a_request_is_first_seen_once(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.requests.first_seen("a" * 64, signed_at=AT)
        assert not uow.requests.first_seen("a" * 64, signed_at=AT)  # in the same transaction
        uow.commit()
    with uow_factory() as uow:
        assert not uow.requests.first_seen("a" * 64, signed_at=AT + 1)
        assert uow.requests.first_seen("b" * 64, signed_at=AT)


def a_request_whose_work_rolled_back_was_never_seen(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.requests.first_seen("c" * 64, signed_at=AT)  # and no commit
    with uow_factory() as uow:
        assert uow.requests.first_seen("c" * 64, signed_at=AT)
        uow.commit()
    with uow_factory() as uow:
        assert not uow.requests.first_seen("c" * 64, signed_at=AT)


def requests_are_forgotten_once_a_replay_would_be_refused(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.requests.first_seen("d" * 64, signed_at=AT)
        uow.commit()
    an_hour_later = AT + 3600  # Slack refuses a signature older than 5 minutes
    with uow_factory() as uow:
        assert uow.requests.first_seen("e" * 64, signed_at=an_hour_later)
        uow.commit()
    with uow_factory() as uow:
        assert uow.requests.first_seen("d" * 64, signed_at=an_hour_later)
