"""One time convention on both databases: aware UTC in, aware UTC out, naive refused."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError

from bot.core.records import Profile
from bot.store.uow import SqlUnitOfWorkFactory
from tests.integration.people import ANN, NOW

PARIS_WINTER = timezone(timedelta(hours=1))


def test_a_naive_datetime_is_refused_rather_than_stored_as_if_it_were_utc(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    with uow_factory() as uow, pytest.raises(StatementError) as raised:
        uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=datetime(2026, 3, 2, 9))
    assert isinstance(raised.value.orig, ValueError)
    assert "naive datetime" in str(raised.value.orig)


def test_datetimes_come_back_aware_utc_whatever_zone_they_went_in_with(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    in_paris = datetime(2026, 3, 2, 10, 0, 0, 123456, tzinfo=PARIS_WINTER)
    with uow_factory() as uow:
        uow.contacts.add(owner=ANN, name="Sam", member_user_id=None, now=in_paris)
        uow.commit()
    with uow_factory() as uow:
        (sam,) = uow.contacts.list(ANN)
        stored = uow.session.execute(text("SELECT created_at FROM contacts")).scalar_one()

    assert sam.created_at == in_paris
    assert sam.created_at.tzinfo is UTC
    assert sam.created_at == datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)
    # On disk: naive UTC, so queries comparing times agree on both databases.
    assert str(stored).startswith("2026-03-02 09:00:00")
    # Ordering and filtering use the instant, not the wall clock it was written in.
    with uow_factory() as uow:
        assert uow.contacts.list(ANN)[0].last_touch_at < NOW + timedelta(days=1)


def test_times_of_day_round_trip_and_must_be_whole_minutes(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    profile = Profile(
        member=ANN, display_name="Ann", quiet_start=time(0, 0), quiet_end=time(23, 59)
    )
    with uow_factory() as uow:
        uow.profiles.save(profile, now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.profiles.get(ANN) == profile
        stored = uow.session.execute(text("SELECT quiet_end FROM profiles")).scalar_one()
        assert stored == "23:59"
        with pytest.raises(StatementError) as raised:
            uow.profiles.save(
                Profile(member=ANN, display_name="Ann", digest_time=time(9, 0, 30)), now=NOW
            )
        assert isinstance(raised.value.orig, ValueError)
