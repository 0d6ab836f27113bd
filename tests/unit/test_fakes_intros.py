"""The in-memory intros, blocks and pairing keep the SQL store's promises: the same checks run."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core.ports import UnitOfWorkFactory
from tests.fakes import InMemoryStore
from tests.integration import test_intro_repositories as sql_checks

CHECKS = {name: check for name, check in vars(sql_checks).items() if name.startswith("test_")}


@pytest.mark.parametrize("check", list(CHECKS.values()), ids=list(CHECKS))
def test_the_fake_store_passes_the_sql_stores_checks(
    check: Callable[[UnitOfWorkFactory], None],
) -> None:
    check(InMemoryStore())
