"""A member's own page: their people with a timeline each, promises, gives and asks, cadences.

Everything is read through the member's own repositories (each query carries the owner), so
nobody else's row can appear."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from bot.commands.when import format_day, format_when
from bot.core.identity import Member
from bot.core.ports import UnitOfWork
from bot.core.records import LedgerKind, PromiseStatus

MAX_SEARCH = 100


@dataclass(frozen=True)
class Event:
    """One line of a person's timeline."""

    at: datetime
    day: str
    what: str  # "Met", "Note", "Promised", "Kept", "Gave", "Asked"
    text: str  # the member's own words (escaped by the template)


@dataclass(frozen=True)
class Person:
    name: str
    is_member: bool
    met_where: str  # the context of the first meeting logged, if any
    since: str
    last_touch: str
    timeline: tuple[Event, ...]  # newest first


@dataclass(frozen=True)
class OpenPromise:
    number: int
    what: str
    to: str
    due: str  # in the member's time zone, or "no date"


@dataclass(frozen=True)
class LedgerLine:
    day: str
    kind: str  # "Give" or "Ask"
    what: str
    to: str


@dataclass(frozen=True)
class CadenceLine:
    name: str
    every_days: int
    next_nudge: str


@dataclass(frozen=True)
class MemberPage:
    name: str
    timezone: str
    search: str
    people: tuple[Person, ...]
    promises: tuple[OpenPromise, ...]
    ledger: tuple[LedgerLine, ...]
    cadences: tuple[CadenceLine, ...]


def member_page(uow: UnitOfWork, me: Member, *, now: datetime, search: str = "") -> MemberPage:
    """The page for `me`; `search` keeps the people whose name, or anything logged with them,
    holds it (and the promises, gives and asks that do)."""
    search = search.strip()[:MAX_SEARCH]
    term = search.casefold()
    profile = uow.profiles.get(me)
    tz = profile.timezone if profile is not None else "UTC"
    contacts = {c.id: c for c in uow.contacts.list(me)}
    named = {c.id for c in uow.contacts.list(me, search=search)} if search else set(contacts)

    def day(at: datetime) -> str:
        return format_day(at, timezone=tz)

    timelines: dict[int, list[Event]] = defaultdict(list)
    first_met: dict[int, tuple[datetime, str]] = {}
    for m in uow.meetings.list(me):
        timelines[m.contact_id].append(Event(m.met_at, day(m.met_at), "Met", m.context))
        if m.contact_id not in first_met or m.met_at < first_met[m.contact_id][0]:
            first_met[m.contact_id] = (m.met_at, m.context)
    for n in uow.notes.list(me):
        timelines[n.contact_id].append(Event(n.created_at, day(n.created_at), "Note", n.text))
    for p in uow.promises.list_all(me):
        timelines[p.contact_id].append(Event(p.created_at, day(p.created_at), "Promised", p.what))
        if p.status is PromiseStatus.DONE and p.closed_at is not None:
            timelines[p.contact_id].append(Event(p.closed_at, day(p.closed_at), "Kept", p.what))
    entries = uow.ledger.list(me)
    for e in entries:
        if e.contact_id is not None:
            what = "Gave" if e.kind is LedgerKind.GIVE else "Asked"
            timelines[e.contact_id].append(Event(e.at, day(e.at), what, e.what))

    def found(*texts: str) -> bool:
        return not term or any(term in text.casefold() for text in texts)

    people = tuple(
        Person(
            name=c.name,
            is_member=c.member_user_id is not None,
            met_where=first_met.get(c.id, (c.created_at, ""))[1],
            since=day(c.created_at),
            last_touch=day(c.last_touch_at),
            timeline=tuple(sorted(timelines[c.id], key=lambda e: e.at, reverse=True)),
        )
        for c in sorted(contacts.values(), key=lambda c: c.last_touch_at, reverse=True)
        if c.id in named or found(*(e.text for e in timelines[c.id]))
    )

    def name_of(contact_id: int | None) -> str:
        contact = contacts.get(contact_id) if contact_id is not None else None
        return contact.name if contact is not None else ""

    promises = tuple(
        OpenPromise(
            number=p.number,
            what=p.what,
            to=name_of(p.contact_id),
            due="no date" if p.due_at is None else format_when(p.due_at, timezone=tz, now=now),
        )
        for p in uow.promises.list_open(me)
        if found(p.what, name_of(p.contact_id))
    )
    ledger = tuple(
        LedgerLine(
            day=day(e.at),
            kind="Give" if e.kind is LedgerKind.GIVE else "Ask",
            what=e.what,
            to=name_of(e.contact_id),
        )
        for e in sorted(entries, key=lambda e: e.at, reverse=True)
        if found(e.what, name_of(e.contact_id))
    )
    cadences = tuple(
        CadenceLine(
            name=name_of(c.contact_id),
            every_days=c.every_days,
            next_nudge=format_when(c.due_at, timezone=tz, now=now),
        )
        for c in uow.cadences.list(me)
        if found(name_of(c.contact_id))
    )
    return MemberPage(
        name=profile.display_name if profile is not None else me.user_id,
        timezone=tz,
        search=search,
        people=people,
        promises=promises,
        ledger=ledger,
        cadences=cadences,
    )
