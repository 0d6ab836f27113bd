"""Every repository port keeps its contract on SQLite and PostgreSQL (suites: tests/contracts)."""

from __future__ import annotations

import pytest

from bot.store.uow import SqlUnitOfWorkFactory
from tests.contracts import CHECKS, Check


@pytest.mark.parametrize("check", list(CHECKS.values()), ids=list(CHECKS))
def test_the_store_keeps_the_ports_contract(
    check: Check, uow_factory: SqlUnitOfWorkFactory
) -> None:
    check(uow_factory)
