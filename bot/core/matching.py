"""Give ideas: whose looking-for meets your offer (shared words), and who awaits a follow-up."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from datetime import datetime

from bot.core.records import LedgerEntry, LedgerKind, Meeting, Profile, Promise

_WORD = re.compile(r"[^\W_]+(?:[+#.'’-][^\W_]+)*[+#]*")

# Words that say nothing about what someone offers or seeks.
_STOP_WORDS = """
a about above after again all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
get getting got had has have having he her here hers him his how i if in into is it its
just like looking me more most my no nor not now of off on once only or other our ours out
over own same she should so some such than that the their theirs them then there these they
this those through to too under until up very want wants was we were what when where which
while who whom why will with would you your yours someone somebody anyone something help
helping offer offering seek seeking need needs find finding people person new good anything
everything thing things stuff lot lots way ways kind sort etc
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def keywords(text: str) -> frozenset[str]:
    """The meaningful words of a profile line, case-folded, stop-words and one-letter words out;
    a plural "s" is dropped so "meetups" meets "meetup"."""
    found = set()
    for word in _WORD.findall(text.casefold()):
        word = word.strip(".'’-")
        if len(word) < 2 or word in STOP_WORDS:
            continue
        if len(word) > 3 and word.isalpha() and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return frozenset(found)


def shown_as_give_idea(profile: Profile, *, to_blocks: Set[str], now: datetime) -> bool:
    """Whether `profile`'s looking-for may be quoted to a member as a give idea: they keep it
    visible, are not paused, and neither blocked the other (`to_blocks`: the user ids of members
    the viewer blocked or was blocked by)."""
    if not profile.profile_visible or profile.member.user_id in to_blocks:
        return False
    return profile.paused_until is None or profile.paused_until <= now


@dataclass(frozen=True)
class Match:
    profile: Profile  # the member whose looking-for matched
    shared: tuple[str, ...]  # the words in common, alphabetical


def best_matches(offer: str, candidates: Iterable[Profile], *, limit: int) -> list[Match]:
    """Members whose looking-for shares the most words with `offer`, best first."""
    mine = keywords(offer)
    if not mine:
        return []
    found = []
    for profile in candidates:
        shared = mine & keywords(profile.looking_for)
        if shared:
            found.append(Match(profile, tuple(sorted(shared))))
    found.sort(key=lambda m: (-len(m.shared), m.profile.member.user_id))
    return found[:limit]


def owed_follow_ups(
    meetings: Sequence[Meeting],
    promises: Sequence[Promise],
    ledger: Sequence[LedgerEntry],
    *,
    since: datetime,
) -> list[Meeting]:
    """Each contact's latest meeting since `since` with no promise made nor give logged to them
    after it: the people waiting on a follow-up, most recently met first."""
    latest: dict[int, Meeting] = {}
    for meeting in meetings:
        current = latest.get(meeting.contact_id)
        if current is None or (meeting.met_at, meeting.id) > (current.met_at, current.id):
            latest[meeting.contact_id] = meeting
    touched: dict[int, datetime] = {}
    for promise in promises:
        _keep_latest(touched, promise.contact_id, promise.created_at)
    for entry in ledger:
        if entry.kind is LedgerKind.GIVE and entry.contact_id is not None:
            _keep_latest(touched, entry.contact_id, entry.at)
    owed = [
        m
        for m in latest.values()
        if m.met_at >= since and (m.contact_id not in touched or touched[m.contact_id] < m.met_at)
    ]
    return sorted(owed, key=lambda m: (m.met_at, m.id), reverse=True)


def _keep_latest(seen: dict[int, datetime], key: int, at: datetime) -> None:
    if key not in seen or at > seen[key]:
        seen[key] = at
