"""Events typed into the console, on a real SQLite file: announce, answer, edit, cancel."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from tests.e2e.calendar_files import ics_files
from tests.e2e.test_console_intros import Console, console

__all__ = ["console"]

ANNOUNCE = 'event "Rust night" friday 6pm for 2 hours at Café Lisboa limit 2'


def _last_post(out: str) -> str:
    """The last channel post (or edit of one) the screen showed."""
    return out[out.rindex("#rust") :]


async def test_an_announced_event_counts_answers_live_and_keeps_who_is_going_private(
    console: Console,
) -> None:
    out = await console.script("in #rust", ANNOUNCE)
    assert "📅 Announced in this channel as event 1:" in out
    assert "#rust:\n  📅 “Rust night”" in out
    assert "📍 Café Lisboa" in out
    assert "✅ 0 of 2 going · 🤔 0 maybe" in out
    assert "[Going] [Maybe] [Can't go] [Who's going]" in out

    out = await console.script("as @ana", "click going")
    assert "✅ You're going to “Rust night”" in out
    assert "#rust (updated):" in out and "✅ 1 of 2 going" in _last_post(out)
    out = await console.script("as @ben", "click going 1")
    assert "✅ 2 of 2 going" in _last_post(out)

    # Full: Going means the waiting list.
    out = await console.script("as @dan", "click going 1")
    assert "⏳ It's full: you're on the waiting list" in out
    assert "✅ 2 of 2 going · 🤔 0 maybe · ⏳ 1 waiting" in _last_post(out)
    # Who is going: not for the waiting member, and not in the channel post.
    out = await console.script("click who's going")
    assert "⚠️ Who's going is shown to those going and the organisers." in out
    assert "@ana" not in out and "@ben" not in out
    out = await console.script("as @ana", "click who's going")
    assert "Going to “Rust night” (2):\n    • @ana\n    • @ben" in out

    # Ana drops out: Dan moves up and is told privately.
    out = await console.script("click can't go")
    assert "🙅 Noted: you can't go to “Rust night”" in out
    assert "DM to @dan:\n  🎟️ A seat opened at “Rust night”" in out
    assert "✅ 2 of 2 going · 🤔 0 maybe" in _last_post(out)
    assert "🙅" not in _last_post(out)  # the channel is never shown who, or how many, declined
    # Answering again changes nothing.
    out = await console.script("as @ben", "click going 1")
    assert "That's what you had answered already." in out
    assert "#rust (updated)" not in out


async def test_only_the_creator_or_an_organiser_edits_or_cancels_and_those_going_are_told(
    console: Console,
) -> None:
    await console.script("in #rust", ANNOUNCE, "as @ana", "click going", "as @dan", "click maybe")
    out = await console.script("events")
    assert "1 · “Rust night” · Fri 27 Nov 2026, 18:00" in out

    refused = await console.script("event edit 1 at The Old Pub", "event cancel 1")
    assert refused.count("Only the member who announced event 1, or an organiser") == 2
    assert "DM to" not in refused and "#rust (updated)" not in refused

    out = await console.script("as @carol", "event edit 1 when saturday 7pm")
    assert "✏️ Event 1 is updated" in out
    assert "DM to @ana:\n  ✏️ “Rust night” changed:" in out and "Sat 28 Nov 2026, 19:00" in out
    assert "DM to @dan" not in out  # a maybe is not told of every change
    assert "🕕 Sat 28 Nov 2026, 19:00" in _last_post(out)

    out = await console.script("event cancel 1")
    assert "❌ Event 1 is cancelled" in out
    assert "DM to @ana:\n  ❌ “Rust night” was cancelled." in out
    assert "DM to @dan:\n  ❌ “Rust night” was cancelled." in out
    assert "❌ Cancelled: “Rust night”" in _last_post(out)
    assert "[Going]" not in _last_post(out)
    out = await console.script("events", "as @ana", "click going 1")
    assert "No events coming up in this channel." in out
    assert "⚠️ No button “going” on message 1" in out


async def test_bad_event_lines_are_refused_clearly_and_nothing_is_announced(
    console: Console,
) -> None:
    lines = {
        "event friday 6pm": "An event needs a title, in quotes, first.",
        'event "Rust night"': "When is it?",
        'event "Rust night" whenever': "couldn't read",
        'event "Rust night" yesterday 6pm': "already passed",
        'event "Rust night" friday 6pm for 0 hours': "above zero",
        'event "Rust night" friday 6pm for 8 days': "at most 7 days",
        'event "Rust night" friday 6pm limit 0': "a number from 1 to 10,000",
        'event "Rust night" friday 6pm limit 99999999': "a number from 1 to 10,000",
        f'event "{"x" * 121}" friday 6pm': "fits in 120",
        'event "" friday 6pm': "The title in quotes is empty.",
    }
    out = await console.script("in #rust")
    for line, error in lines.items():
        out = await console.script(line)
        assert "⚠️" in out and error in out, (line, out)
        assert "#rust:" not in out
    assert "No events coming up" in await console.script("events")


async def test_a_title_that_pings_everyone_stays_text(console: Console) -> None:
    out = await console.script("in #rust", 'event "@everyone party" friday 6pm')
    assert "📅 “@everyone party”" in out


def _vevent(calendar: icalendar.Calendar) -> icalendar.Event:
    [event] = calendar.walk("VEVENT")
    return event


async def test_those_going_get_an_ics_invitation_updated_on_edit_and_cancelled(
    console: Console,
) -> None:
    out = await console.script("in #rust", ANNOUNCE, "as @ana", "click going")
    [first] = ics_files(out)
    assert "DM to @ana:\n  🗓️ For your calendar: “Rust night”" in out
    event = _vevent(first)
    assert first["METHOD"] == "REQUEST" and first["VERSION"] == "2.0" and first["PRODID"]
    assert event["SUMMARY"] == "Rust night" and event["LOCATION"] == "Café Lisboa"
    assert event.decoded("DTSTART") == datetime(2026, 11, 27, 18, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 11, 27, 20, tzinfo=UTC)
    assert event["SEQUENCE"] == 0 and event["DTSTAMP"] and event["STATUS"] == "CONFIRMED"
    uid = str(event["UID"])

    out = await console.script("as @carol", "event edit 1 when saturday 7pm")
    [edited] = ics_files(out)
    assert edited["METHOD"] == "REQUEST"
    assert str(_vevent(edited)["UID"]) == uid and _vevent(edited)["SEQUENCE"] == 1
    assert _vevent(edited).decoded("DTSTART") == datetime(2026, 11, 28, 19, tzinfo=UTC)

    out = await console.script("event cancel 1")
    [cancelled] = ics_files(out)
    assert cancelled["METHOD"] == "CANCEL"
    assert str(_vevent(cancelled)["UID"]) == uid and _vevent(cancelled)["SEQUENCE"] == 2
    assert _vevent(cancelled)["STATUS"] == "CANCELLED"


async def test_reminders_come_the_day_before_after_quiet_hours_and_an_hour_before_regardless(
    console: Console,
) -> None:
    await console.script(
        "in #rust",
        'event "Early Rust" saturday 7am at Café',
        "as @ana",
        "settings quiet 22:00-08:00",
        "click going 1",
        "as @ben",
        "click maybe 1",
    )
    # The day before is Fri 07:00, in Ana's quiet hours: held until they end at 08:00.
    out = await console.script("wait until friday 7:30am")
    assert "Coming up" not in out
    out = await console.script("wait 1 hour")
    assert "DM to @ana:\n  ⏰ Coming up tomorrow: “Early Rust”" in out
    assert "[Suggest people to meet there]" in out
    assert "DM to @ben" not in out  # a maybe gets no reminder
    # An hour before is Sat 06:00, in quiet hours too: they asked to go, so it comes at once.
    out = await console.script("wait until saturday 6:30am")
    assert out.count("⏰ Coming up in an hour: “Early Rust”") == 1
    assert out.index("⏩ Sat 28 Nov 2026, 06:00") < out.index("Coming up in an hour")
    # Exactly once: nothing comes again.
    assert "Coming up" not in await console.script("wait 2 hours")

    out = await console.script("as @ana", "click suggest people to meet there")
    assert "Noted — I'll suggest a few people going to “Early Rust”" in out
    out = await console.script("as @ben", "click suggest people to meet there")
    assert "No button" in out  # the reminder went to Ana only


async def test_export_holds_one_s_own_events_and_answers_and_never_others_answers(
    console: Console,
) -> None:
    await console.script(
        "in #rust", ANNOUNCE, "as @ben", "click maybe 1", "as @ana", "click going 1"
    )
    out = await console.script("export")
    assert '"event_answers": [' in out and '"answer": "going"' in out
    assert '"suggest_people": false' in out
    assert '"maybe"' not in out  # Ben's answer is his
    assert '"events_created": []' in out
    out = await console.script("as @carol", "export")
    assert '"title": "Rust night"' in out and '"place": "Café Lisboa"' in out


async def test_an_organiser_who_is_not_going_may_see_who_is_going(console: Console) -> None:
    await console.script(
        "organisers @olga", "in #rust", "as @ana", ANNOUNCE, "as @ben", "click going 1"
    )
    out = await console.script("as @olga", "click who's going 1")
    assert "Going to “Rust night” (1):\n    • @ben" in out
    out = await console.script("as @dan", "click who's going 1")
    assert "⚠️ Who's going is shown to those going and the organisers." in out


async def test_the_whole_flow_announce_answer_ics_edit_reminders_cancel(console: Console) -> None:
    out = await console.script(
        "in #rust",
        'event "Rust night" friday 6pm for 2 hours at Café Lisboa limit 20',
        "as @ana",
        "click going 1",
    )
    assert "✅ 1 of 20 going" in _last_post(out)
    assert [c["METHOD"] for c in ics_files(out)] == ["REQUEST"]
    out = await console.script("as @carol", "event edit 1 at The Old Pub")
    [edited] = ics_files(out)
    assert _vevent(edited)["SEQUENCE"] == 1 and _vevent(edited)["LOCATION"] == "The Old Pub"
    out = await console.script("wait until 6:30pm")  # Thu 18:00: the day before
    assert "DM to @ana:\n  ⏰ Coming up tomorrow: “Rust night”" in out
    out = await console.script("as @ana", "click suggest people to meet there")
    assert "Noted — " in out
    out = await console.script("wait 23 hours")  # Fri 17:00: an hour before
    assert "⏰ Coming up in an hour: “Rust night”" in out
    out = await console.script("as @carol", "event cancel 1")
    [cancelled] = ics_files(out)
    assert cancelled["METHOD"] == "CANCEL" and _vevent(cancelled)["SEQUENCE"] == 2
    assert "❌ Cancelled: “Rust night”" in _last_post(out)
    assert "Coming up" not in await console.script("wait 2 hours")


async def test_forget_me_frees_the_seat_the_waiting_list_moves_up_and_the_post_is_corrected(
    console: Console,
) -> None:
    line = 'event "Rust night" friday 6pm for 2 hours limit 1'
    out = await console.script("in #rust", line, "as @ana", "click going")
    out = await console.script("as @ben", "click going 1")
    assert "✅ 1 of 1 going · 🤔 0 maybe · ⏳ 1 waiting" in _last_post(out)

    out = await console.script("as @ana", "forget-me confirm")
    assert "🧹 Done: I've erased everything I held about you." in out
    # Ben moves up as when someone presses Can't go: told privately, with the calendar file.
    assert "DM to @ben:\n  🎟️ A seat opened at “Rust night”" in out
    [ics] = ics_files(out)
    assert ics["METHOD"] == "REQUEST" and _vevent(ics)["SUMMARY"] == "Rust night"
    # The channel post is edited to the counts without Ana.
    assert "#rust (updated):" in out
    assert "✅ 1 of 1 going · 🤔 0 maybe" in _last_post(out)
    assert "waiting" not in _last_post(out)
    out = await console.script("as @ben", "click who's going")
    assert "Going to “Rust night” (1):\n    • @ben" in out and "@ana" not in out


async def test_forget_me_of_its_creator_cancels_the_event_leaving_none_of_their_words(
    console: Console,
) -> None:
    line = "event \"Ana's secret supper\" friday 6pm for 2 hours at Ana's flat"
    out = await console.script("in #rust", "as @ana", line, "as @ben", "click going 1")
    [invitation] = ics_files(out)
    uid = str(_vevent(invitation)["UID"])

    asked = await console.script("as @ana", "forget-me")
    assert "Events you announced that are still ahead are cancelled" in asked
    assert "#rust (updated)" not in asked and "DM to @ben" not in asked
    out = await console.script("forget-me confirm")
    assert "🧹 Done: I've erased everything I held about you." in out
    # The post is edited in place: cancelled, without her title, her place, her name or buttons.
    assert "#rust (updated):\n  ❌ This event was cancelled." in out
    post = _last_post(out)
    assert "supper" not in post and "flat" not in post and "@ana" not in post and "[" not in post
    # Ben is told as on `event cancel`, by the date only, with the file that removes it.
    assert "DM to @ben:\n  ❌ An event you had answered, on Fri 27 Nov 2026, 18:00" in out
    [cancelled] = ics_files(out)
    event = _vevent(cancelled)
    assert cancelled["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert str(event["UID"]) == uid and event["SEQUENCE"] == 1
    assert event["SUMMARY"] == "Cancelled event" and "LOCATION" not in event
    assert "supper" not in out and "flat" not in out
    assert "No events coming up in this channel." in await console.script("as @ben", "events")


async def test_forget_me_leaves_none_of_its_creator_s_words_on_past_or_cancelled_event_posts(
    console: Console,
) -> None:
    await console.script(
        "in #rust",
        "as @ana",
        "event \"Ana's brunch\" today 3pm for 1 hour at Ana's garden",
        "event \"Ana's supper\" friday 6pm at Ana's flat",
        "event cancel 2",
        "wait 2 hours",
    )
    out = await console.script("forget-me confirm")
    assert "#rust (updated):\n  This event is over." in out
    assert "#rust (updated):\n  ❌ This event was cancelled." in out
    assert "DM to" not in out  # those who answered were told already
    assert "Ana's" not in out[out.index("#rust") :]
