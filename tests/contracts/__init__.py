"""One contract suite per repository port, each check a function of a unit-of-work factory.

tests/integration/test_port_contracts.py runs every check on SQLite and PostgreSQL, and
tests/unit/test_fake_contracts.py on the in-memory fakes the unit tests use: so the fakes are
proven to keep the store's promises.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from bot.core.ports import UnitOfWorkFactory
from tests.contracts import (
    blocks,
    cadences,
    channel_prompts,
    contacts,
    event_followups,
    events,
    intros,
    ledger,
    meetings,
    notes,
    outbox,
    pairing,
    profiles,
    promises,
    requests,
    unit_of_work,
    usage,
)

Check = Callable[[UnitOfWorkFactory], None]

SUITES = (
    profiles,
    contacts,
    meetings,
    notes,
    promises,
    cadences,
    ledger,
    channel_prompts,
    intros,
    blocks,
    pairing,
    usage,
    outbox,
    unit_of_work,
    events,
    event_followups,
    requests,
)

# Every public function a suite defines, by "suite.check" (the helpers start with "_").
CHECKS: dict[str, Check] = {
    f"{suite.__name__.rpartition('.')[2]}.{name}": check
    for suite in SUITES
    for name, check in inspect.getmembers(suite, inspect.isfunction)
    if check.__module__ == suite.__name__ and not name.startswith("_")
}
