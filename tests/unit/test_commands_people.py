"""`met`, `people`, `note` and `keep-in-touch`: who you met, and staying in touch."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.records import Cadence, Contact, Meeting, Note
from tests.unit.harness import ALICE, BOB, NOW, Buddy


def contacts(buddy: Buddy) -> list[Contact]:
    return buddy.store.rows("contacts", ALICE)


def meetings(buddy: Buddy) -> list[Meeting]:
    return buddy.store.rows("meetings", ALICE)


def cadences(buddy: Buddy) -> list[Cadence]:
    return buddy.store.rows("cadences", ALICE)


# --- met ---------------------------------------------------------------------------------------


def test_met_logs_a_member_with_where_and_how(buddy: Buddy) -> None:
    reply = buddy.say("met <@UBOB> at PyCon — talked about Rust")
    assert "you met @UBOB" in reply
    assert "at PyCon — talked about Rust" in reply
    [bob] = contacts(buddy)
    assert (bob.name, bob.member_user_id, bob.last_touch_at) == ("Bob", "UBOB", NOW)
    [meeting] = meetings(buddy)
    assert (meeting.contact_id, meeting.context, meeting.met_at) == (
        bob.id,
        "at PyCon — talked about Rust",
        NOW,
    )


def test_met_says_when_it_will_nudge_for_a_follow_up(buddy: Buddy) -> None:
    reply = buddy.say("met <@UBOB>")
    assert "If nothing follows by Sun 29 Nov" in reply
    [meeting] = meetings(buddy)
    assert meeting.follow_up_at == NOW + timedelta(days=3)
    assert meeting.context == ""


def test_met_logs_someone_outside_the_workspace_by_quoted_name(buddy: Buddy) -> None:
    reply = buddy.say('met "Ana   Lima" at the Lisbon meetup')
    assert "you met Ana Lima at the Lisbon meetup" in reply
    [ana] = contacts(buddy)
    assert (ana.name, ana.member_user_id) == ("Ana Lima", None)


def test_meeting_the_same_outside_person_again_in_any_case_keeps_one_contact(buddy: Buddy) -> None:
    buddy.say('met "Ana Lima" at the Lisbon meetup')
    buddy.clock.advance(timedelta(days=1))
    buddy.say("met “ana lima” at the Porto meetup")
    assert [c.name for c in contacts(buddy)] == ["Ana Lima"]
    assert len(meetings(buddy)) == 2
    assert contacts(buddy)[0].last_touch_at == NOW + timedelta(days=1)


def test_meeting_a_member_again_keeps_one_contact_and_refreshes_last_touch(buddy: Buddy) -> None:
    buddy.say("met <@UBOB> at PyCon")
    buddy.clock.advance(timedelta(days=2))
    buddy.say("met <@UBOB|bob> at the sprint")
    assert len(contacts(buddy)) == 1
    assert len(meetings(buddy)) == 2
    assert contacts(buddy)[0].last_touch_at == NOW + timedelta(days=2)


def test_met_uses_the_name_slack_sends_with_the_mention(buddy: Buddy) -> None:
    buddy.say("met <@UDANA|dana> at PyCon")
    assert contacts(buddy)[0].name == "dana"


def test_met_with_two_people_logs_both_with_the_same_context(buddy: Buddy) -> None:
    reply = buddy.say("met <@USAM> <@UBOB> at the bar")
    assert reply.splitlines()[0] == "🤝 Noted: you met @USAM and @UBOB at the bar."
    assert "<@" not in reply
    by_name = {c.name: c for c in contacts(buddy)}
    assert set(by_name) == {"Sam", "Bob"}
    assert sorted((m.contact_id, m.context) for m in meetings(buddy)) == sorted(
        (by_name[name].id, "at the bar") for name in ("Sam", "Bob")
    )


def test_met_with_members_and_quoted_names_joined_by_and_logs_each_once(buddy: Buddy) -> None:
    reply = buddy.say('met <@USAM>, "Ana Lima" and <@USAM> at the Lisbon meetup')
    assert reply.startswith("🤝 Noted: you met @USAM and Ana Lima at the Lisbon meetup.")
    assert sorted(c.name for c in contacts(buddy)) == ["Ana Lima", "Sam"]
    assert [m.context for m in meetings(buddy)] == ["at the Lisbon meetup"] * 2


def test_met_reads_quoted_words_after_a_person_as_the_context(buddy: Buddy) -> None:
    reply = buddy.say('met <@USAM> "Rust night"')
    assert reply.startswith('🤝 Noted: you met @USAM "Rust night".')
    assert [c.name for c in contacts(buddy)] == ["Sam"]
    assert [m.context for m in meetings(buddy)] == ['"Rust night"']


@pytest.mark.parametrize(
    ("line", "names", "context"),
    [
        ('met <@USAM> and "Ana Lima" at the bar', ["Ana Lima", "Sam"], "at the bar"),
        ('met <@USAM> & "Ana Lima"', ["Ana Lima", "Sam"], ""),
        ('met <@USAM>, "Ana Lima" at the bar', ["Ana Lima", "Sam"], "at the bar"),
        ('met "Ana Lima" "Rust night" at Café Lisboa', ["Ana Lima"], '"Rust night" at Café Lisboa'),
        ('met <@USAM> <@UBOB> "Rust night"', ["Bob", "Sam"], '"Rust night"'),
        ("met <@USAM> and friends at the bar", ["Sam"], "and friends at the bar"),
    ],
)
def test_a_quoted_name_after_a_person_is_another_person_only_when_joined(
    buddy: Buddy, line: str, names: list[str], context: str
) -> None:
    assert not buddy.say(line).startswith("⚠️")
    assert sorted(c.name for c in contacts(buddy)) == names
    assert {m.context for m in meetings(buddy)} == {context}


@pytest.mark.parametrize(
    ("line", "context"),
    [
        ("met <@USAM>, at PyCon", "at PyCon"),
        ("met <@USAM>: the slides", "the slides"),
        ('met "Ana Lima"; at the bar', "at the bar"),
        ("met <@USAM> at PyCon, then lunch", "at PyCon, then lunch"),
    ],
)
def test_punctuation_after_a_person_is_not_kept_as_text(
    buddy: Buddy, line: str, context: str
) -> None:
    buddy.say(line)
    assert [m.context for m in meetings(buddy)] == [context]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('met "   "', "I need to know who you met."),
        ('met "   " at the bar', "I need to know who you met."),
        ('met <@USAM> and "  " at the bar', "I need to know who you met."),
        ("met <@USAM> @nobody at the bar", "I couldn't find “@nobody” here."),
        ("met <@USAM> <@UALICE> at the bar", "That's you!"),
        ("met <@USAM> @here at the bar", "not a whole group"),
    ],
)
def test_a_blank_or_impossible_person_among_those_met_refuses_the_whole_line(
    buddy: Buddy, line: str, says: str
) -> None:
    assert says in buddy.refused(line)


# --- people ------------------------------------------------------------------------------------


def test_people_with_no_contacts_shows_how_to_add_one(buddy: Buddy) -> None:
    reply = buddy.say("people")
    assert reply.startswith("No contacts yet.")
    assert "met @sam" in reply


def test_people_shows_when_and_where_you_met_and_last_touch(buddy: Buddy) -> None:
    buddy.say("met <@UBOB> at PyCon")
    buddy.clock.advance(timedelta(days=2))
    buddy.say("met <@UBOB> at the sprint")
    reply = buddy.say("people")
    assert reply.splitlines() == [
        "Your contacts (1):",
        "• @UBOB — met Thu 26 Nov, at PyCon; last touch Sat 28 Nov",
        "One person's whole history with you: people @person.",
    ]


def test_people_lists_the_most_recently_touched_first(buddy: Buddy) -> None:
    buddy.say("met <@UBOB>")
    buddy.clock.advance(timedelta(hours=1))
    buddy.say('met "Ana Lima"')
    buddy.clock.advance(timedelta(hours=1))
    buddy.say("met <@UCAROL>")
    lines = buddy.say("people").splitlines()[1:-1]
    assert [line.split(" — ")[0] for line in lines] == ["• @UCAROL", "• Ana Lima", "• @UBOB"]


def test_people_counts_open_promises_per_contact(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("promise <@UBOB> an intro to Jo")
    buddy.say('promise "Ana Lima" the recipe')
    reply = buddy.say("people")
    assert "@UBOB; last touch Thu 26 Nov; 2 open promises" in reply
    assert "Ana Lima; last touch Thu 26 Nov; 1 open promise" in reply


def test_people_search_matches_part_of_a_name_in_any_case(buddy: Buddy) -> None:
    buddy.say('met "Ana Lima"')
    buddy.say('met "Jo Banks"')
    reply = buddy.say("people LIM")
    assert "Ana Lima" in reply
    assert "Jo Banks" not in reply
    assert reply.startswith("Your contacts (1):")


def test_people_search_with_no_match_says_so(buddy: Buddy) -> None:
    buddy.say('met "Ana Lima"')
    assert buddy.say("people zed") == "No contacts match “zed”."


def test_people_shows_at_most_25_and_says_how_many_more(buddy: Buddy) -> None:
    for n in range(27):
        buddy.say(f'met "Person {n:02}"')
    reply = buddy.say("people")
    assert reply.startswith("Your contacts (27):")
    assert reply.count("• ") == 25
    assert "…and 2 more" in reply


def test_people_with_a_person_shows_their_whole_history_with_you(buddy: Buddy) -> None:
    buddy.say("met <@USAM> at PyCon — talked about Rust")
    buddy.clock.advance(timedelta(days=2))
    buddy.say("met <@USAM>: the sprint")
    buddy.say("note <@USAM> loves sourdough")
    buddy.say("promise <@USAM> the slides by 2026-12-04 10:00")
    buddy.say("promise <@USAM> the book")
    buddy.say("done 2")
    buddy.say("give <@USAM> a link to the asyncio docs")
    buddy.say("keep-in-touch <@USAM> every 2 weeks")
    buddy.say("note <@UBOB> not about Sam")

    reply = buddy.say("people <@USAM>")

    assert reply.splitlines() == [
        "@USAM — your contact since Thu 26 Nov, last touch Sat 28 Nov.",
        "Meetings (2):",
        "• Sat 28 Nov: the sprint",
        "• Thu 26 Nov: at PyCon — talked about Rust",
        "Notes (1):",
        "• Sat 28 Nov: loves sourdough",
        "Open promises (1):",
        "• #1 the slides · due Fri 4 Dec 2026, 10:00 UTC (in 6 days)",
        "Promises kept (1):",
        "• the book · kept Sat 28 Nov",
        "Gives (2):",
        "• Sat 28 Nov: a link to the asyncio docs",
        "• Sat 28 Nov: the book",
        "Keep in touch: every 14 days; next nudge Sat 12 Dec 2026, 14:57 UTC (in 2 weeks).",
    ]


def test_people_with_someone_outside_the_community_by_quoted_name(buddy: Buddy) -> None:
    buddy.say('met "Ana Lima" at the Lisbon meetup')
    reply = buddy.say("people “ana lima”")
    assert reply.splitlines()[:3] == [
        "Ana Lima — your contact since Thu 26 Nov, last touch Thu 26 Nov.",
        "Meetings (1):",
        "• Thu 26 Nov: at the Lisbon meetup",
    ]


def test_people_with_someone_you_have_not_logged_is_refused_kindly(buddy: Buddy) -> None:
    buddy.say("met <@UBOB>")
    assert "@USAM isn't among your contacts yet." in buddy.refused("people <@USAM>")
    assert "Just the person, please" in buddy.refused("people <@UBOB> and more")


def test_people_with_a_person_never_shows_another_member_s_notes_about_them(
    buddy: Buddy,
) -> None:
    buddy.say("met <@USAM> at PyCon")
    buddy.say("note <@USAM> Bob's secret about Sam", by=BOB)
    buddy.say("met <@USAM> at Bob's party", by=BOB)
    buddy.say("promise <@USAM> Bob's promise", by=BOB)
    buddy.say("give <@USAM> Bob's gift", by=BOB)

    reply = buddy.say("people <@USAM>")

    assert "Bob" not in reply
    assert "Meetings (1):" in reply
    assert "Notes" not in reply
    assert "Bob's secret" not in buddy.say("people secret")
    assert buddy.say("people party") == "No contacts match “party”."


def test_people_search_also_finds_notes_and_where_you_met(buddy: Buddy) -> None:
    buddy.say("met <@USAM> at PyCon")
    buddy.say('met "Ana Lima" at the Lisbon meetup')
    buddy.say('note "Jo Banks" bakes SOURDOUGH')
    buddy.say("met <@UBOB>")

    assert _listed(buddy.say("people pycon")) == ["@USAM"]
    assert _listed(buddy.say("people sourdough")) == ["Jo Banks"]
    assert _listed(buddy.say("people LI")) == ["Ana Lima"]  # name and context alike


def _listed(reply: str) -> list[str]:
    return [
        line[2:].split(" — ")[0].split(";")[0] for line in reply.splitlines() if line[:2] == "• "
    ]


# --- note --------------------------------------------------------------------------------------


def test_note_adds_a_private_note_to_a_contact(buddy: Buddy) -> None:
    buddy.say("met <@UBOB>")
    buddy.clock.advance(timedelta(hours=3))
    reply = buddy.say("note <@UBOB> is hiring a data engineer in January")
    assert reply == "📝 Private note added to @UBOB."
    [note] = buddy.store.rows("notes", ALICE)
    assert isinstance(note, Note)
    assert note.text == "is hiring a data engineer in January"
    assert note.contact_id == contacts(buddy)[0].id
    assert contacts(buddy)[0].last_touch_at == NOW + timedelta(hours=3)


def test_a_note_about_someone_new_adds_them_as_a_contact(buddy: Buddy) -> None:
    buddy.say('note "Ana Lima" loves sourdough')
    assert [c.name for c in contacts(buddy)] == ["Ana Lima"]
    assert [n.text for n in buddy.store.rows("notes", ALICE)] == ["loves sourdough"]


@pytest.mark.parametrize(
    "line",
    ["note <@UBOB> loves sourdough", "keep-in-touch <@UBOB> every month"],
)
def test_note_and_keep_in_touch_both_add_someone_new_and_say_so(buddy: Buddy, line: str) -> None:
    reply = buddy.say(line)
    assert "➕ @UBOB wasn't among your contacts, so I added them." in reply.splitlines()
    [bob] = contacts(buddy)
    assert bob.member_user_id == "UBOB"

    again = buddy.say(line)
    assert "wasn't among your contacts" not in again
    assert len(contacts(buddy)) == 1


def test_a_note_does_not_count_as_following_up_a_meeting(buddy: Buddy) -> None:
    buddy.say("met <@UBOB>")
    buddy.say("note <@UBOB> loves sourdough")
    assert meetings(buddy)[0].follow_up_at == NOW + timedelta(days=3)


def test_a_note_without_text_is_refused(buddy: Buddy) -> None:
    buddy.say("met <@UBOB>")
    reply = buddy.refused("note <@UBOB>")
    assert "Tell me what to note." in reply


# --- keep-in-touch -----------------------------------------------------------------------------


def test_keep_in_touch_sets_a_cadence(buddy: Buddy) -> None:
    reply = buddy.say("keep-in-touch <@UBOB> every 2 weeks")
    assert "when 14 days pass without contact with @UBOB" in reply
    assert "Next: Thu 10 Dec 2026, 14:57 UTC (in 2 weeks)" in reply
    [cadence] = cadences(buddy)
    assert (cadence.every_days, cadence.due_at) == (14, NOW + timedelta(days=14))
    assert cadence.contact_id == contacts(buddy)[0].id


def test_keep_in_touch_again_changes_the_cadence_rather_than_adding_one(buddy: Buddy) -> None:
    buddy.say("keep-in-touch <@UBOB> every 2 weeks")
    buddy.say("keep-in-touch <@UBOB> every month")
    [cadence] = cadences(buddy)
    assert (cadence.every_days, cadence.due_at) == (30, NOW + timedelta(days=30))


def test_any_logged_interaction_restarts_the_keep_in_touch_clock(buddy: Buddy) -> None:
    buddy.say("keep-in-touch <@UBOB> every week")
    interactions = [
        "met <@UBOB> at lunch",
        "note <@UBOB> tea",
        "give <@UBOB> a link",
        "promise <@UBOB> x",
    ]
    for step, command in enumerate(interactions):
        now = buddy.clock.advance(timedelta(days=5))
        buddy.say(command)
        assert cadences(buddy)[0].due_at == now + timedelta(days=7), (step, command)


def test_keeping_a_promise_restarts_the_keep_in_touch_clock(buddy: Buddy) -> None:
    buddy.say("promise <@UBOB> the slides")
    buddy.say("keep-in-touch <@UBOB> every week")
    now = buddy.clock.advance(timedelta(days=3))
    buddy.say("done 1")
    assert cadences(buddy)[0].due_at == now + timedelta(days=7)


def test_keep_in_touch_off_stops_the_nudges(buddy: Buddy) -> None:
    buddy.say("keep-in-touch <@UBOB> every month")
    reply = buddy.say("keep-in-touch <@UBOB> off")
    assert reply == "OK, no more keep-in-touch nudges for @UBOB."
    assert cadences(buddy) == []
    assert len(contacts(buddy)) == 1


def test_keep_in_touch_off_for_someone_unknown_is_refused(buddy: Buddy) -> None:
    reply = buddy.refused("keep-in-touch <@UBOB> off")
    assert "@UBOB isn't among your contacts yet." in reply


def test_keep_in_touch_alone_lists_your_cadences_the_next_nudge_first(buddy: Buddy) -> None:
    buddy.say("keep-in-touch <@UBOB> every month")
    buddy.say('keep-in-touch "Ana Lima" every 2 weeks')
    buddy.say("keep-in-touch <@UCAROL> every week", by=BOB)

    assert buddy.say("keep-in-touch").splitlines() == [
        "Your keep-in-touch cadences (2), the next nudge first:",
        "• Ana Lima: every 14 days; next Thu 10 Dec 2026, 14:57 UTC (in 2 weeks)",
        "• @UBOB: every 30 days; next Sat 26 Dec 2026, 14:57 UTC (in 4 weeks)",
        "Stop one with keep-in-touch @person off.",
    ]


def test_keep_in_touch_alone_with_no_cadences_says_how_to_start(buddy: Buddy) -> None:
    reply = buddy.say("keep-in-touch")
    assert reply.startswith("You keep in touch with nobody yet.")
    assert "keep-in-touch @sam every month" in reply


def test_keep_in_touch_without_an_interval_asks_how_often(buddy: Buddy) -> None:
    assert "How often?" in buddy.refused("keep-in-touch <@UBOB>")


def test_keep_in_touch_more_often_than_daily_is_refused(buddy: Buddy) -> None:
    assert "too often" in buddy.refused("keep-in-touch <@UBOB> every 5 minutes")


def test_keep_in_touch_with_an_unreadable_interval_is_refused(buddy: Buddy) -> None:
    assert "as an interval" in buddy.refused("keep-in-touch <@UBOB> every blue moon")


def test_keep_in_touch_is_per_member(buddy: Buddy) -> None:
    buddy.say("keep-in-touch <@UCAROL> every week")
    buddy.say("keep-in-touch <@UCAROL> off", by=BOB)
    assert len(cadences(buddy)) == 1


def test_follow_ups_lists_who_you_met_and_have_not_followed_up_with(buddy: Buddy) -> None:
    buddy.say("met <@UBOB> at PyCon — talked about Rust")
    buddy.say('met "Ana Lima" at the Lisbon meetup')
    buddy.say('give "Ana Lima" a link to the asyncio docs')

    reply = buddy.say("follow-ups")

    assert "nothing promised or given since" in reply
    assert "@UBOB: you met Thu 26 Nov, at PyCon — talked about Rust." in reply
    assert "Ana Lima" not in reply


def test_follow_ups_is_empty_once_everyone_got_a_promise_or_a_give(buddy: Buddy) -> None:
    buddy.say("met <@UBOB> at PyCon")
    buddy.say("promise <@UBOB> the slides by friday")

    assert buddy.say("waiting") == "Nobody you met in the last 30 days is waiting on you. ✨"


def test_follow_ups_are_private_to_each_member(buddy: Buddy) -> None:
    buddy.say("met <@UBOB> at PyCon")

    assert "Nobody" in buddy.say("follow-ups", by=BOB)
