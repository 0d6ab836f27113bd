"""Give ideas: shared words between an offer and a looking-for, and follow-ups owed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.identity import Member, Platform
from bot.core.matching import best_matches, keywords, owed_follow_ups
from bot.core.records import LedgerEntry, LedgerKind, Meeting, Profile, Promise, PromiseStatus
from bot.core.tips import PROMPTS, prompt_for

ME = Member(Platform.SLACK, "T1", "UME")
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def seeker(user_id: str, looking_for: str) -> Profile:
    return Profile(Member(Platform.SLACK, "T1", user_id), user_id, looking_for=looking_for)


def test_keywords_drop_stop_words_case_and_plurals_but_keep_tech_names() -> None:
    assert keywords("Looking for someone to help with my Rust meetups") == {"rust", "meetup"}
    assert keywords("C++ and C# reviews, Node.js") == {"c++", "c#", "review", "node.js"}
    assert keywords("the and of a") == frozenset()


def test_members_whose_looking_for_shares_most_words_with_my_offer_come_first() -> None:
    offer = "code reviews in Python and Rust, intros to Lisbon founders"
    candidates = [
        seeker("UANA", "a Rust code review"),
        seeker("UBO", "a flat in Lisbon"),
        seeker("UCY", "a good dentist"),
    ]
    found = best_matches(offer, candidates, limit=5)
    assert [(m.profile.member.user_id, m.shared) for m in found] == [
        ("UANA", ("code", "review", "rust")),
        ("UBO", ("lisbon",)),
    ]
    assert best_matches(offer, candidates, limit=1)[0].profile.member.user_id == "UANA"


def test_an_offer_of_only_stop_words_matches_no_one() -> None:
    assert best_matches("anything you need", [seeker("UANA", "anything")], limit=2) == []


def meeting(mid: int, contact_id: int, days_ago: int) -> Meeting:
    return Meeting(mid, ME, contact_id, NOW - timedelta(days=days_ago), f"context {mid}", None)


def test_a_contact_met_recently_with_nothing_sent_since_is_owed_a_follow_up() -> None:
    meetings = [meeting(1, 10, 5), meeting(2, 20, 3), meeting(3, 30, 40)]
    owed = owed_follow_ups(meetings, [], [], since=NOW - timedelta(days=30))
    assert [m.id for m in owed] == [2, 1]  # most recent first; the 40-day-old one has lapsed


def test_a_promise_or_give_after_the_latest_meeting_settles_the_follow_up() -> None:
    meetings = [meeting(1, 10, 5), meeting(2, 20, 5), meeting(3, 30, 5), meeting(4, 30, 1)]
    promise = Promise(
        1, ME, 10, "slides", 1, PromiseStatus.OPEN, NOW - timedelta(days=4), None, None, None
    )
    give = LedgerEntry(1, ME, LedgerKind.GIVE, "a link", 20, NOW - timedelta(days=2))
    ask = LedgerEntry(2, ME, LedgerKind.ASK, "help", None, NOW)
    # Contact 30: a give before the latest meeting doesn't settle that one.
    old_give = LedgerEntry(3, ME, LedgerKind.GIVE, "a link", 30, NOW - timedelta(days=3))
    owed = owed_follow_ups(
        meetings, [promise], [give, ask, old_give], since=NOW - timedelta(days=30)
    )
    assert [m.id for m in owed] == [4]


def test_the_prompt_changes_week_to_week() -> None:
    monday = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert prompt_for(monday) != prompt_for(monday + timedelta(days=7))
    assert all(p.startswith("🌱") for p in PROMPTS)
