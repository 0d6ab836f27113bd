"""Every button reads the record id in its payload the same way, and refuses anything else."""

from __future__ import annotations

import pytest

from bot.commands.payloads import record_id


@pytest.mark.parametrize(
    ("payload", "read"),
    [
        ("7", 7),
        ("007", 7),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),  # more than a BIGINT column holds
        ("", None),
        ("-1", None),
        ("1.5", None),
        ("²", None),
        ("1 OR 1=1", None),
        (" 7", None),
    ],
)
def test_a_payload_is_a_record_id_only_when_it_is_a_plain_number_the_store_can_hold(
    payload: str, read: int | None
) -> None:
    assert record_id(payload) == read
