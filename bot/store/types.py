"""Column types for the one time convention: aware UTC in Python, naive UTC on disk."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC `datetime` in Python, a naive UTC `DateTime` column on every database.

    Binding a naive datetime raises `ValueError`: it would most likely be local time stored by
    mistake, and SQLite would hand it back as if it were UTC.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: pass an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:  # a column someone declared with timezone=True
            return value.astimezone(UTC)
        return value.replace(tzinfo=UTC)


class TimeOfDay(TypeDecorator[time]):
    """A wall-clock `time` (no zone, minute precision) stored as an "HH:MM" string.

    A string sorts and compares the same way on SQLite and PostgreSQL, which a `Time` column does
    not quite (SQLite keeps microseconds as text).
    """

    impl = String(5)
    cache_ok = True

    def process_bind_param(self, value: time | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, time):
            raise TypeError(f"expected a time, got {type(value).__name__}")
        if value.tzinfo is not None:
            raise ValueError(f"time of day {value.isoformat()} must not carry a zone")
        if value.second or value.microsecond:
            raise ValueError(f"time of day {value.isoformat()} must be whole minutes")
        return f"{value.hour:02d}:{value.minute:02d}"

    def process_result_value(self, value: str | None, dialect: Dialect) -> time | None:
        if value is None:
            return None
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
