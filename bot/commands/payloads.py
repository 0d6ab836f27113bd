"""What a button's payload carries, read in one place: a record id, or nothing usable."""

from __future__ import annotations

ID_DIGITS = 18  # int() reads it, and a BIGINT holds any number this long


def record_id(payload: str) -> int | None:
    """The record id a button carries, or None when the payload holds none (mangled, forged)."""
    return int(payload) if payload.isdecimal() and len(payload) <= ID_DIGITS else None
