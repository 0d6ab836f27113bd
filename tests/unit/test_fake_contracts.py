"""The in-memory fakes keep the same contracts as the SQL store: the unit tests trust them."""

from __future__ import annotations

import pytest

from tests.contracts import CHECKS, Check
from tests.fakes import InMemoryStore


@pytest.mark.parametrize("check", list(CHECKS.values()), ids=list(CHECKS))
def test_the_fakes_keep_the_ports_contract(check: Check) -> None:
    check(InMemoryStore())
