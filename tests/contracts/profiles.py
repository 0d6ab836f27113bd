"""The profile repository's contract: kept whole, digests scheduled, seekers listed."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

from bot.core.identity import Member, Platform
from bot.core.ports import UnitOfWorkFactory
from bot.core.records import Profile
from tests.integration.people import ANN, ANN_ELSEWHERE, BOB, NOW

HOUR = timedelta(hours=1)


def a_profile_is_saved_whole_and_updated(
    uow_factory: UnitOfWorkFactory,
) -> None:
    profile = Profile(
        member=ANN,
        display_name="Ann",
        timezone="Europe/Paris",
        timezone_chosen=True,
        quiet_start=time(22, 0),
        quiet_end=time(7, 30),
        digest_weekday=4,
        digest_time=time(8, 15),
        digest_on=False,
        paused_until=NOW + timedelta(days=3),
        open_to_intros=False,
        offer="Python mentoring",
        looking_for="a co-founder",
        organiser=True,
    )
    with uow_factory() as uow:
        assert uow.profiles.get(ANN) is None
        uow.profiles.save(profile, now=NOW)
        uow.profiles.save(Profile(member=BOB, display_name="Bob"), now=NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.profiles.get(ANN) == profile
        assert uow.profiles.get(BOB) == Profile(member=BOB, display_name="Bob")
        changed = replace(profile, offer="design reviews", quiet_start=None, paused_until=None)
        uow.profiles.save(changed, now=NOW + timedelta(hours=1))
        assert uow.profiles.get(ANN) == changed  # seen within the same transaction too
        uow.commit()
    with uow_factory() as uow:
        assert uow.profiles.get(ANN) == changed


def a_new_profile_is_due_for_scheduling_and_a_changed_schedule_is_rescheduled(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ann = Profile(ANN, "Ann")
    with uow_factory() as uow:
        uow.profiles.save(ann, now=NOW)
        uow.profiles.save(Profile(BOB, "Bob"), now=NOW)
        assert [
            (d.profile.member, d.due_at) for d in uow.profiles.due_digests(now=NOW, limit=9)
        ] == [
            (ANN, None),
            (BOB, None),
        ]
        uow.profiles.schedule_digest(ANN, at=NOW + HOUR)
        uow.profiles.schedule_digest(BOB, at=NOW - HOUR)
        uow.commit()
    with uow_factory() as uow:
        assert [
            (d.profile.member, d.due_at) for d in uow.profiles.due_digests(now=NOW, limit=9)
        ] == [(BOB, NOW - HOUR)]
        # Saving other fields keeps the schedule; a new digest time clears it for the job.
        uow.profiles.save(replace(ann, offer="reviews"), now=NOW)
        assert uow.profiles.due_digests(now=NOW, limit=9)[0].profile.member == BOB
        uow.profiles.save(replace(ann, digest_time=time(18, 0)), now=NOW)
        due = uow.profiles.due_digests(now=NOW, limit=9)
        assert [(d.profile.member, d.due_at) for d in due] == [(ANN, None), (BOB, NOW - HOUR)]


def seeking_lists_the_other_members_of_the_workspace_who_look_for_something(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.profiles.save(Profile(ANN, "Ann", looking_for="a mentor"), now=NOW)
        uow.profiles.save(Profile(BOB, "Bob", looking_for="a Rust review"), now=NOW + HOUR)
        uow.profiles.save(Profile(ANN_ELSEWHERE, "Ann", looking_for="a job"), now=NOW)
        carl = Member(Platform.SLACK, "T1", "U_CARL")
        uow.profiles.save(Profile(carl, "Carl"), now=NOW)
        dora = Member(Platform.SLACK, "T1", "U_DORA")
        hidden = Profile(dora, "Dora", looking_for="a co-founder", profile_visible=False)
        uow.profiles.save(hidden, now=NOW + HOUR)
        uow.commit()
    with uow_factory() as uow:
        found = uow.profiles.seeking(ANN.workspace, exclude=ANN, limit=10)
        assert [p.member for p in found] == [BOB]  # Dora hid her profile
        assert uow.profiles.get(dora) == hidden


def since_is_when_a_profile_was_first_saved_and_none_once_erased(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        assert uow.profiles.since(ANN) is None
        uow.profiles.save(Profile(member=ANN, display_name="Ann"), now=NOW)
        uow.commit()
    with uow_factory() as uow:
        uow.profiles.save(Profile(member=ANN, display_name="Ann B."), now=NOW + HOUR)
        uow.commit()
    with uow_factory() as uow:
        assert uow.profiles.since(ANN) == NOW  # a later save does not move it
        assert uow.profiles.since(ANN_ELSEWHERE) is None  # the same id, another workspace
        uow.erase_member(ANN)
        uow.commit()
    with uow_factory() as uow:
        assert uow.profiles.since(ANN) is None
        uow.profiles.save(Profile(member=ANN, display_name="Ann"), now=NOW + 2 * HOUR)
        uow.commit()
    with uow_factory() as uow:
        assert uow.profiles.since(ANN) == NOW + 2 * HOUR  # back after forget-me: a new start


def profiles_are_read_many_at_once_each_in_its_own_workspace_only(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.profiles.save(Profile(ANN, "Ann"), now=NOW)
        uow.profiles.save(Profile(BOB, "Bob"), now=NOW)
        uow.profiles.save(Profile(ANN_ELSEWHERE, "Ann elsewhere"), now=NOW)
        uow.commit()
    nobody = Member(Platform.SLACK, "T1", "U_NOBODY")
    stranger = Member(Platform.SLACK, "T9", "U_BOB")  # Bob's id, in a workspace he is not in
    with uow_factory() as uow:
        assert uow.profiles.get_many([ANN, nobody, stranger, ANN]) == {ANN: Profile(ANN, "Ann")}
        found = uow.profiles.get_many([BOB, ANN_ELSEWHERE])
        assert found == {
            BOB: Profile(BOB, "Bob"),
            ANN_ELSEWHERE: Profile(ANN_ELSEWHERE, "Ann elsewhere"),
        }
        assert uow.profiles.get_many([]) == {}
