"""`dashboard` and `me` as members type them: who gets a link, what a refusal changes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.commands.registry import ACTIONS, COMMANDS
from bot.commands.service import CommandService
from bot.core.effects import DirectMessage
from bot.core.identity import Member
from bot.core.records import Profile
from bot.core.web_links import LinkKind, organiser
from bot.web.links import Opened, Refusal, SignedLinks
from tests.fakes import InMemoryStore, ManualClock
from tests.unit.harness import ALICE, ALICE_IN_T2, BOB, GENERAL, Buddy


@pytest.fixture
def links(store: InMemoryStore) -> SignedLinks:
    return SignedLinks(
        keys=["key"], base_url="https://buddy.test/", lifetime=timedelta(hours=24),
        revocations=store,
    )  # fmt: skip


@pytest.fixture
def web(store: InMemoryStore, clock: ManualClock, links: SignedLinks) -> Buddy:
    """The bot with web pages on, signing with `links`' key."""
    service = CommandService(
        uow_factory=store, clock=clock, commands=COMMANDS, actions=ACTIONS, links=links
    )
    return Buddy(service=service, store=store, clock=clock)


def known(store: InMemoryStore, *members: Member, now: datetime) -> None:
    """Members the bot holds a profile of (a link of someone it holds nothing of is refused)."""
    with store() as uow:
        for member in members:
            uow.profiles.save(Profile(member=member, display_name=member.user_id), now=now)
        uow.commit()


def dm_text(web: Buddy) -> str:
    (row,) = web.store.dms_to(ALICE)
    assert isinstance(row.effect, DirectMessage)
    return row.effect.message.plain_text()


def test_me_dms_a_link_to_my_own_page_that_opens_as_mine(web: Buddy, links: SignedLinks) -> None:
    reply = web.say("me")
    assert "I've sent you a DM with a private link to your own page" in reply
    text = dm_text(web)
    assert "https://buddy.test/me?t=" in text and "works for 24 hours" in text
    token = text.split("?t=")[1].split()[0]
    assert links.open(LinkKind.ME, token, now=web.clock.now()) == Opened(LinkKind.ME, ALICE)


def test_an_organisers_dashboard_link_is_bound_to_their_workspace(
    web: Buddy, links: SignedLinks
) -> None:
    web.say("dashboard", is_organiser=True)
    token = dm_text(web).split("?t=")[1].split()[0]
    opened = links.open(LinkKind.DASHBOARD, token, now=web.clock.now())
    assert opened == Opened(LinkKind.DASHBOARD, ALICE)
    assert links.open(LinkKind.ME, token, now=web.clock.now()) is Refusal.INVALID


def test_a_member_asking_for_the_dashboard_is_refused_and_nothing_changes(web: Buddy) -> None:
    reply = web.refused("dashboard", by=BOB)
    assert "Only organisers" in reply and "me" in reply


def test_a_word_other_than_revoke_is_refused_and_nothing_changes(web: Buddy) -> None:
    assert "didn't understand" in web.refused("me please")


def test_without_a_secret_key_the_commands_say_web_pages_are_off(
    store: InMemoryStore, clock: ManualClock
) -> None:
    service = CommandService(uow_factory=store, clock=clock, commands=COMMANDS, actions=ACTIONS)
    off = Buddy(service=service, store=store, clock=clock)
    assert "Web pages aren't switched on" in off.refused("me")


def test_revoking_my_links_leaves_another_workspaces_same_id_alone(
    web: Buddy, links: SignedLinks
) -> None:
    now = web.clock.now()
    known(web.store, ALICE, ALICE_IN_T2, now=now)
    mine = links.issue(LinkKind.ME, ALICE, now=now).split("?t=")[1]
    theirs = links.issue(LinkKind.ME, ALICE_IN_T2, now=now).split("?t=")[1]
    web.clock.advance(timedelta(seconds=1))
    assert "no longer opens" in web.say("me revoke")
    later = web.clock.now()
    assert links.open(LinkKind.ME, mine, now=later) is Refusal.REVOKED
    assert links.open(LinkKind.ME, theirs, now=later) == Opened(LinkKind.ME, ALICE_IN_T2)


def test_a_link_signed_with_another_key_does_not_open(
    links: SignedLinks, store: InMemoryStore, clock: ManualClock
) -> None:
    other = SignedLinks(
        keys=["another key"], base_url="", lifetime=timedelta(hours=1), revocations=store
    )
    known(store, ALICE, now=clock.now())
    token = other.issue(LinkKind.ME, ALICE, now=clock.now()).split("?t=")[1]
    assert links.open(LinkKind.ME, token, now=clock.now()) is Refusal.INVALID


def test_a_rotated_key_still_opens_links_signed_before_the_rotation(
    store: InMemoryStore, clock: ManualClock
) -> None:
    def signer(*keys: str) -> SignedLinks:
        return SignedLinks(
            keys=list(keys), base_url="", lifetime=timedelta(hours=1), revocations=store
        )

    known(store, ALICE, now=clock.now())
    token = signer("old").issue(LinkKind.ME, ALICE, now=clock.now()).split("?t=")[1]
    assert signer("new", "old").open(LinkKind.ME, token, now=clock.now()) == Opened(
        LinkKind.ME, ALICE
    )


@pytest.mark.parametrize(
    ("was", "said", "in_channel", "now"),
    [
        (False, True, False, True),  # a yes counts anywhere, a DM too
        (False, True, True, True),
        (True, False, True, False),  # a no counts in a channel
        (True, False, False, True),  # but not in a DM, where Discord gives no rights at all
        (False, False, False, False),
    ],
)
def test_organiser_status_is_what_the_platform_last_said_where_it_can_say_it(
    was: bool, said: bool, in_channel: bool, now: bool
) -> None:
    assert organiser(was, said=said, in_channel=in_channel) is now


def test_a_dashboard_link_opens_only_while_its_organiser_still_is_one(
    web: Buddy, links: SignedLinks
) -> None:
    web.say("dashboard", is_organiser=True)
    token = dm_text(web).split("?t=")[1].split()[0]
    web.say("stats", channel=GENERAL, is_organiser=False)
    assert links.open(LinkKind.DASHBOARD, token, now=web.clock.now()) is Refusal.NOT_ORGANISER
    web.say("stats", channel=GENERAL, is_organiser=True)
    assert links.open(LinkKind.DASHBOARD, token, now=web.clock.now()) == Opened(
        LinkKind.DASHBOARD, ALICE
    )


def test_a_link_issued_before_forget_me_never_opens_again(web: Buddy, links: SignedLinks) -> None:
    web.say("me")
    token = dm_text(web).split("?t=")[1].split()[0]
    web.say("me revoke")
    web.clock.advance(timedelta(minutes=1))
    web.say("forget-me confirm")  # her revocation goes with everything else
    assert links.open(LinkKind.ME, token, now=web.clock.now()) is Refusal.ERASED
    web.clock.advance(timedelta(minutes=1))
    web.say("help")  # back, with a new profile
    assert links.open(LinkKind.ME, token, now=web.clock.now()) is Refusal.ERASED
    # Nothing of hers was kept to refuse it: no mark of any kind.
    assert all(mark.owner != ALICE for mark in web.store.snapshot().usage_marks.values())
