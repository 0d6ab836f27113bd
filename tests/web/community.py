"""A community with enough going on for the dashboard to show figures, built through the
bot's own commands on a real database; and the links its members are sent."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta

from cryptography.fernet import Fernet

from bot.app import Buddy, build
from bot.commands.base import ActionInput, CommandInput
from bot.commands.event_posts import ACTION_GOING
from bot.config import Settings
from bot.core.effects import DirectMessage
from bot.core.identity import Channel, Member, Platform
from bot.core.records import CheckIn
from tests.fakes import ManualClock
from tests.mentions import mentions_in

# Thursday 26 November 2026, noon UTC: the week of Monday 23 November.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
THIS_WEEK = "2026-11-23"
LAST_WEEK = "2026-11-16"

NAMES = dict(
    zip(
        [f"U{n:02}" for n in range(1, 13)],
        ["Ana", "Ben", "Cleo", "Dan", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lia"],
        strict=True,
    )
)
NAMES["UORG"] = "Olga"
MEMBERS = [Member(Platform.SLACK, "T1", user) for user in NAMES if user != "UORG"]
ANA, BEN = MEMBERS[0], MEMBERS[1]
LIA = MEMBERS[11]
ORGANISER = Member(Platform.SLACK, "T1", "UORG")
LOBBY = Channel(Platform.SLACK, "T1", "CLOBBY")
# Ana's user id in another workspace: another person, with secrets of her own.
ANA_ELSEWHERE = Member(Platform.SLACK, "T2", "U01")
# Events in the lobby: channel-public titles; who went is private (counts only on the dashboard).
POTTERY, BOARD_GAMES, UPCOMING = "Pottery evening", "Board games", "Winter social"
ELSEWHERE_EVENT = "The other workspace's party"
SECRETS = {
    BEN: "Ben's private note about Lia",
    ANA_ELSEWHERE: "The other Ana's private note",
}
_URL = re.compile(r"https?://\S+")


@dataclass
class Community:
    buddy: Buddy
    clock: ManualClock

    def say(
        self,
        text: str,
        *,
        by: Member,
        organiser: bool = False,
        channel: Channel | None = None,
        channel_name: str = "",
    ) -> str:
        names = {**NAMES}
        reply = self.buddy.service.run(
            CommandInput(
                text=text,
                invoker=by,
                channel=channel,
                channel_name=channel_name,
                invoker_name=names.get(by.user_id, by.user_id),
                mentions=mentions_in(text, by=by, names=names),
                is_organiser=organiser,
            )
        )
        return reply.plain_text()

    def press(self, action: str, payload: str, *, by: Member, channel: Channel) -> None:
        self.buddy.service.press(
            ActionInput(action=action, payload=payload, invoker=by, channel=channel)
        )

    def link(self, kind: str, *, by: Member) -> str:
        """Ask for a link (`dashboard` or `me`) and read it from the DM the bot sends."""
        self.say(kind, by=by, organiser=by == ORGANISER)
        return self.last_link(by)

    def last_link(self, member: Member) -> str:
        items = self.buddy.outbox_queue.claim_due(
            platform=member.platform,
            now=self.clock.now(),
            limit=100,
            lease=timedelta(minutes=5),
        )
        found = []
        for item in items:
            effect = item.effect
            if isinstance(effect, DirectMessage) and effect.to == member:
                found += _URL.findall(effect.message.plain_text())
            self.buddy.outbox_queue.mark_sent(item, now=self.clock.now())
        assert found, f"no link was sent to {member.user_id}"
        return found[-1]


def settings_for(database_url: str, **more: object) -> Settings:
    return Settings(
        database_url=database_url,
        buddy_secret_key=Fernet.generate_key().decode(),
        buddy_public_url="http://pages.test",
        **more,
    )


def community(database_url: str, *, seeded: bool = False, **settings: object) -> Community:
    """The community on this database, seeded now unless `seeded` (a copy of one already)."""
    clock = ManualClock(NOW if seeded else NOW - timedelta(days=7))
    c = Community(build(settings_for(database_url, **settings), clock=clock), clock)
    if not seeded:
        _seed(c)
    return c


def _seed(c: Community) -> None:
    """Last week: three members give (too few to show). This week: eleven members promise Lia
    something, six keep it (a give each) and five drop it; the first seven ask for something;
    six give.
    Two pairing rounds in the lobby, twelve members each: three groups met, then one.
    Two events held in the lobby (eight going, six attended and seven meetings logged; then
    three going), one still to come, and one in the same channel id of another workspace."""
    for member in MEMBERS[:3]:
        c.say("give <@U12> a coffee", by=member)
    c.say(f'event "{POTTERY}" friday 6pm', by=ORGANISER, organiser=True, channel=LOBBY)
    c.say(f'event "{BOARD_GAMES}" tuesday 6pm', by=ORGANISER, organiser=True, channel=LOBBY)
    elsewhere = Channel(Platform.SLACK, "T2", LOBBY.channel_id)
    c.say(f'event "{ELSEWHERE_EVENT}" friday 6pm', by=ANA_ELSEWHERE, channel=elsewhere)
    going = {POTTERY: MEMBERS[:8], BOARD_GAMES: MEMBERS[8:11]}
    with c.buddy.uow_factory() as uow:
        ids = {
            e.title: e.id for e in uow.event_followups.since(LOBBY, since=NOW - timedelta(days=30))
        }
    for title, members in going.items():
        for member in members:
            c.press(ACTION_GOING, str(ids[title]), by=member, channel=LOBBY)
    c.clock.set(NOW)
    for number, member in enumerate(MEMBERS[:11]):
        c.say("met <@U12> at the Rust meetup", by=member)
        c.say("promise <@U12> the slides by tomorrow 5pm", by=member)
        c.say("done 1" if number < 6 else "drop 1", by=member)
        if number < 6:
            c.say("give <@U12> a review of the talk", by=member)
        if number < 7:
            c.say("ask an intro to a designer", by=member)
    c.say("note <@U12> " + SECRETS[BEN], by=BEN)
    c.say("note <@U12> " + SECRETS[ANA_ELSEWHERE], by=ANA_ELSEWHERE)
    with c.buddy.uow_factory() as uow:
        uow.pairing.put_channel(
            LOBBY,
            every_weeks=1,
            group_size=2,
            weekday=0,
            at=time(9),
            timezone="UTC",
            repeat_window=4,
            organiser=ORGANISER,
            next_round_at=NOW + timedelta(days=5),
            heads_up_at=None,
            channel_name="lobby",
            now=NOW - timedelta(days=20),
        )
        pairs = [MEMBERS[n : n + 2] for n in range(0, 12, 2)]
        for days_ago, met in ((9, 3), (2, 1)):
            started = NOW - timedelta(days=days_ago)
            the_round = uow.pairing.add_round(
                LOBBY, started_at=started, checkin_at=None, groups=pairs
            )
            for group in list(uow.pairing.groups(the_round.id))[:met]:
                uow.pairing.answer(
                    group, group.members[0], CheckIn.YES, met_at=started + timedelta(days=1)
                )
        # Afterwards, who met whom there (as the "who did you meet?" picks record it).
        met = {POTTERY: [2, 2, 1, 1, 1, 0], BOARD_GAMES: [1, 0]}
        for title, members in going.items():
            event = uow.events.get_by_id(LOBBY.workspace, ids[title])
            assert event is not None
            for number, member in enumerate(members):
                asked = uow.event_followups.ask(event, member, now=event.ends_at)
                if number < len(met[title]):
                    others = [m.user_id for m in members if m != member][: met[title][number]]
                    uow.event_followups.save(
                        replace(asked, answered_at=event.ends_at, met=tuple(others))
                    )
        uow.commit()
    c.say(f'event "{UPCOMING}" friday 6pm', by=ORGANISER, organiser=True, channel=LOBBY)
    # The events' posts and DMs, delivered (an edit of a post comes due once it is sent).
    while items := c.buddy.outbox_queue.claim_due(
        platform=LOBBY.platform, now=c.clock.now(), limit=1000, lease=timedelta(minutes=5)
    ):
        for item in items:
            c.buddy.outbox_queue.mark_sent(item, now=c.clock.now())


# What the dashboard must show for the community above, by table and row.
EXPECTED = {
    "pairing": [
        ("#1 (2026-11-17)", ["12", "6", "50%"]),
        ("#2 (2026-11-24)", ["12", "<5", "<5"]),
    ],
    # A kept promise counts as a give too: six given, six kept.
    "gives-asks": {LAST_WEEK: ["<5", "<5"], THIS_WEEK: ["12", "7"]},
    "promises": {LAST_WEEK: ["<5", "<5", "<5"], THIS_WEEK: ["11", "6", "55%"]},
    "active": {LAST_WEEK: ["<5"], THIS_WEEK: ["11"]},
    "events": [
        (f"{POTTERY} (2026-11-20)", ["8", "6", "7"]),
        (f"{BOARD_GAMES} (2026-11-24)", ["<5", "<5", "<5"]),
    ],
}
