"""Reading and showing dates, times, intervals and time zones the way members type them."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.commands.replies import error_reply
from bot.commands.when import (
    MAX_AHEAD,
    check_instant,
    check_timezone,
    format_day,
    format_when,
    parse_interval,
    parse_time_of_day,
    parse_weekday,
    parse_when,
)
from bot.core.errors import UserError
from bot.core.message import Paragraph, UserText

# Thursday 26 Nov 2026: 14:57 in UTC, 15:57 in Paris, 06:57 in Los Angeles, 20:27 in Kolkata.
NOW = datetime(2026, 11, 26, 14, 57, tzinfo=UTC)
ZONES = ["UTC", "Europe/Paris", "America/Los_Angeles", "Asia/Kolkata"]
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def at(zone: str, local: str) -> datetime:
    """A wall-clock time in `zone` as the UTC instant parse_when returns."""
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def utc(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def when(text: str, zone: str = "UTC", now: datetime = NOW) -> datetime:
    result = parse_when(text, now=now, timezone=zone)
    assert result.tzinfo is UTC
    return result


def error(text: str, zone: str = "UTC", now: datetime = NOW) -> UserError:
    with pytest.raises(UserError) as caught:
        parse_when(text, now=now, timezone=zone)
    return caught.value


# --------------------------------------------------------------------------- dates, any zone

SAME_LOCAL_TIME_IN_EVERY_ZONE = [
    ("friday", "2026-11-27 09:00"),
    ("Friday", "2026-11-27 09:00"),
    ("on friday", "2026-11-27 09:00"),
    ("by friday", "2026-11-27 09:00"),
    ("this friday", "2026-11-27 09:00"),
    ("fri", "2026-11-27 09:00"),
    ("friday 3pm", "2026-11-27 15:00"),
    ("5pm on friday", "2026-11-27 17:00"),
    ("next friday", "2026-12-04 09:00"),
    ("friday next week", "2026-12-04 09:00"),
    ("monday 10am", "2026-11-30 10:00"),
    ("next monday", "2026-11-30 09:00"),
    ("thursday", "2026-12-03 09:00"),
    ("next thursday", "2026-12-03 09:00"),
    ("tomorrow", "2026-11-27 09:00"),
    ("tomorrow 9am", "2026-11-27 09:00"),
    ("TOMORROW 9AM", "2026-11-27 09:00"),
    ("tomorrow at 9:30", "2026-11-27 09:30"),
    ("tomorrow, 9 a.m.", "2026-11-27 09:00"),
    ("9am tomorrow", "2026-11-27 09:00"),
    ("tomorrow 9", "2026-11-27 09:00"),
    ("tomorrow 21h30", "2026-11-27 21:30"),
    ("tomorrow noon", "2026-11-27 12:00"),
    ("tomorrow morning", "2026-11-27 09:00"),
    ("tomorrow evening", "2026-11-27 18:00"),
    ("day after tomorrow", "2026-11-28 09:00"),
    ("dec 3", "2026-12-03 09:00"),
    ("December 3rd", "2026-12-03 09:00"),
    ("3 dec", "2026-12-03 09:00"),
    ("december 3 5pm", "2026-12-03 17:00"),
    ("dec 3, 2027 at 5pm", "2027-12-03 17:00"),
    ("2026-12-01 14:00", "2026-12-01 14:00"),
    ("2026-12-01T14:00", "2026-12-01 14:00"),
    ("2026-12-01", "2026-12-01 09:00"),
    ("the 5th", "2026-12-05 09:00"),
    ("next week", "2026-11-30 09:00"),
    ("next month", "2026-12-01 09:00"),
    ("end of month", "2026-11-30 09:00"),
    ("end of the month", "2026-11-30 09:00"),
    ("in 2 days at 5pm", "2026-11-28 17:00"),
    ("12/01/2026", "2026-12-01 09:00"),  # dateparser's fallback, US order
]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(("text", "local"), SAME_LOCAL_TIME_IN_EVERY_ZONE)
def test_dates_are_read_in_the_members_own_time_zone(zone: str, text: str, local: str) -> None:
    assert when(text, zone) == at(zone, local)


@pytest.mark.parametrize(
    ("zone", "local_now"),
    [
        ("UTC", "2026-11-26 14:57"),
        ("Europe/Paris", "2026-11-26 15:57"),
        ("America/Los_Angeles", "2026-11-26 06:57"),
        ("Asia/Kolkata", "2026-11-26 20:27"),
    ],
)
def test_day_offsets_keep_the_local_time_of_day(zone: str, local_now: str) -> None:
    start = datetime.fromisoformat(local_now)
    for text, days in [("in 2 days", 2), ("in a week", 7), ("2 weeks", 14), ("in a month", 30)]:
        assert when(text, zone) == at(zone, str(start + timedelta(days=days))), text


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("in 1 minute", timedelta(minutes=1)),
        ("in 3 hours", timedelta(hours=3)),
        ("in half an hour", timedelta(minutes=30)),
        ("in 90 min", timedelta(minutes=90)),
        ("in 2h30m", timedelta(hours=2, minutes=30)),
        ("3 hours from now", timedelta(hours=3)),
        ("in 2 days and 3 hours", timedelta(days=2, hours=3)),
    ],
)
def test_hour_and_minute_offsets_are_exact(zone: str, text: str, delta: timedelta) -> None:
    assert when(text, zone) == NOW + delta


def test_a_bare_time_of_day_is_today_if_still_ahead_else_tomorrow() -> None:
    assert when("9am", "America/Los_Angeles") == at("America/Los_Angeles", "2026-11-26 09:00")
    assert when("9am", "Europe/Paris") == at("Europe/Paris", "2026-11-27 09:00")
    assert when("at 17:30", "Europe/Paris") == at("Europe/Paris", "2026-11-26 17:30")
    assert when("at 9", "Asia/Kolkata") == at("Asia/Kolkata", "2026-11-27 09:00")
    assert when("noon", "America/Los_Angeles") == at("America/Los_Angeles", "2026-11-26 12:00")
    assert when("noon", "UTC") == at("UTC", "2026-11-27 12:00")
    assert when("midnight", "UTC") == at("UTC", "2026-11-27 00:00")
    at_nine = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert when("9am", now=at_nine) == at("UTC", "2026-11-27 09:00")  # not strictly after


def test_tonight_is_eight_in_the_evening_and_refused_once_that_has_passed() -> None:
    assert when("tonight", "Europe/Paris") == at("Europe/Paris", "2026-11-26 20:00")
    assert when("tonight", "America/Los_Angeles") == at("America/Los_Angeles", "2026-11-26 20:00")
    assert when("tonight 11pm", "Asia/Kolkata") == at("Asia/Kolkata", "2026-11-26 23:00")
    assert error("tonight", "Asia/Kolkata").message.startswith("That time has already passed")


def test_a_date_without_a_year_is_the_next_one_still_ahead() -> None:
    assert when("nov 26") == at("UTC", "2027-11-26 09:00")  # 09:00 today has passed
    assert when("nov 26 6pm") == at("UTC", "2026-11-26 18:00")  # still ahead today
    assert when("feb 29") == at("UTC", "2028-02-29 09:00")  # the next leap day
    assert when("jan 5") == at("UTC", "2027-01-05 09:00")


def test_the_day_is_the_members_day_where_it_is_already_tomorrow() -> None:
    # 03:57 on Friday 27 Nov in Auckland.
    assert when("friday", "Pacific/Auckland") == at("Pacific/Auckland", "2026-12-04 09:00")
    assert when("tomorrow", "Pacific/Auckland") == at("Pacific/Auckland", "2026-11-28 09:00")


# --------------------------------------------------------------------------- "next friday"

WEEK = [  # local "today" → ("friday", "next friday", "monday", "next monday")
    ("2026-11-23", ("2026-11-27", "2026-12-04", "2026-11-30", "2026-11-30")),  # Monday
    ("2026-11-24", ("2026-11-27", "2026-12-04", "2026-11-30", "2026-11-30")),
    ("2026-11-25", ("2026-11-27", "2026-12-04", "2026-11-30", "2026-11-30")),
    ("2026-11-26", ("2026-11-27", "2026-12-04", "2026-11-30", "2026-11-30")),
    ("2026-11-27", ("2026-12-04", "2026-12-04", "2026-11-30", "2026-11-30")),  # Friday
    ("2026-11-28", ("2026-12-04", "2026-12-04", "2026-11-30", "2026-11-30")),  # Saturday
    ("2026-11-29", ("2026-12-04", "2026-12-04", "2026-11-30", "2026-11-30")),  # Sunday
]


@pytest.mark.parametrize(("today", "expected"), WEEK)
def test_a_weekday_is_the_next_one_after_today_and_next_weekday_is_in_next_week(
    today: str, expected: tuple[str, str, str, str]
) -> None:
    now = datetime.fromisoformat(f"{today} 12:00").replace(tzinfo=UTC)
    texts = ("friday", "next friday", "monday", "next monday")
    for text, day in zip(texts, expected, strict=True):
        assert when(text, now=now) == at("UTC", f"{day} 09:00"), (today, text)


def test_last_weekday_has_already_passed() -> None:
    assert "Fri 20 Nov 2026" in error("last friday").message


# --------------------------------------------------------------------------- DST


def test_tomorrow_9am_is_9am_local_across_the_october_change_in_paris() -> None:
    saturday = utc("2026-10-24 12:00")  # 14:00 CEST; clocks go back tonight
    assert when("tomorrow 9am", "Europe/Paris", saturday) == utc("2026-10-25 08:00")
    # A day keeps the wall clock (25 hours); 24 hours are 24 hours.
    assert when("in 1 day", "Europe/Paris", saturday) == utc("2026-10-25 13:00")
    assert when("in 24 hours", "Europe/Paris", saturday) == utc("2026-10-25 12:00")


def test_tomorrow_9am_is_9am_local_across_the_march_change_in_paris() -> None:
    saturday = utc("2027-03-27 12:00")  # 13:00 CET; clocks go forward tonight
    assert when("tomorrow 9am", "Europe/Paris", saturday) == utc("2027-03-28 07:00")
    assert when("in 1 day", "Europe/Paris", saturday) == utc("2027-03-28 11:00")
    # 02:30 does not exist that night: it reads as 03:30 CEST.
    assert when("sunday 2:30am", "Europe/Paris", saturday) == utc("2027-03-28 01:30")


def test_a_weekday_is_9am_local_across_the_november_change_in_los_angeles() -> None:
    saturday = utc("2026-10-31 18:00")  # 11:00 PDT
    assert when("tomorrow 9am", "America/Los_Angeles", saturday) == utc("2026-11-01 17:00")
    assert when("monday", "America/Los_Angeles", saturday) == utc("2026-11-02 17:00")


# --------------------------------------------------------------------------- instants


def test_platform_markup_is_not_a_time_the_parser_reads() -> None:
    # Discord's `<t:…>` becomes an instant in the Discord adapter, never here.
    assert error("<t:1798761600:F>").message.startswith("I couldn't read")


@pytest.mark.parametrize("zone", ZONES)
def test_an_instant_a_platform_picked_is_kept_as_it_is_in_any_zone(zone: str) -> None:
    moment = datetime(2027, 1, 1, tzinfo=UTC)
    assert check_instant(moment, now=NOW, timezone=zone) == moment


def test_an_instant_in_the_past_or_beyond_ten_years_is_refused() -> None:
    def refusal(moment: datetime) -> str:
        with pytest.raises(UserError) as caught:
            check_instant(moment, now=NOW, timezone="Europe/Paris")
        return caught.value.message

    assert refusal(utc("2026-01-01 00:00")) == (
        "That time has already passed: Thu 1 Jan 2026, 01:00 Europe/Paris."
    )
    assert "too far ahead" in refusal(utc("2040-01-01 00:00"))


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(
    "text", ["yesterday", "2020-01-01", "2 days ago", "last monday", "now", "in 0 minutes"]
)
def test_a_time_already_passed_is_refused_kindly(zone: str, text: str) -> None:
    problem = error(text, zone)
    assert problem.message.startswith("That time has already passed")
    assert f"“{text}”" in problem.message
    assert "Try: friday, tomorrow 9am, in 2 days" in problem.hint


def test_a_passed_time_says_how_it_was_read() -> None:
    assert "Wed 25 Nov 2026, 09:00 Europe/Paris" in error("yesterday", "Europe/Paris").message


@pytest.mark.parametrize(
    "text",
    [
        "flurbsday", "🙂", "soon", "march", "9", "29", "next flurbsday", "friday 🙂", "a",
        # Read only in part by a lenient parser, which would drop the clock time.
        "tomorrow at 25:00", "tomorrow 9:75", "dec 3 24:30",
    ],
)  # fmt: skip
def test_unreadable_text_is_refused_with_examples(text: str) -> None:
    problem = error(text)
    assert problem.message == f"I couldn't read “{text}” as a date or time."
    assert problem.hint == "Try: friday, tomorrow 9am, in 2 days, dec 3, 2026-12-01 14:00"


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_text_is_refused_with_examples(text: str) -> None:
    problem = error(text)
    assert "got nothing" in problem.message
    assert problem.hint.startswith("Try: friday")


@pytest.mark.parametrize("text", ["feb 30", "2026-13-01", "the 32nd", "dec 0"])
def test_a_day_the_calendar_lacks_is_refused(text: str) -> None:
    assert error(text).message == f"“{text}” isn't a date on the calendar."


def test_text_over_200_characters_is_refused_and_quoted_shortened() -> None:
    problem = error("tomorrow " * 30)
    assert "269 characters" in problem.message  # counted after trimming
    assert "“tomorrow tomorrow" in problem.message and "…" in problem.message


def test_more_than_ten_years_ahead_is_refused() -> None:
    assert when("in 9 years") == at("UTC", "2035-11-26 14:57")
    assert "too far" in error("in 11 years").message
    assert "too far" in error("in 99999999999 years").message
    assert "too far" in error("9999-12-31").message


def test_the_echo_of_what_was_typed_is_shown_as_typed_text_never_as_markup() -> None:
    reply = error_reply(error("@everyone <@123> <!channel>"))
    first = reply.blocks[0]
    assert isinstance(first, Paragraph)
    echoed = [part for part in first.parts if isinstance(part, UserText)]
    assert echoed == [UserText("“@everyone <@123> <!channel>”")]
    bot_text = "".join(part for part in first.parts if isinstance(part, str))
    assert "@everyone" not in bot_text and "<" not in bot_text


def test_an_unknown_member_time_zone_is_a_user_error() -> None:
    with pytest.raises(UserError):
        parse_when("tomorrow", now=NOW, timezone="Mars/Olympus_Mons")
    assert when("tomorrow", "europe/paris") == at("Europe/Paris", "2026-11-27 09:00")


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("tomorrow", now=NOW.replace(tzinfo=None), timezone="UTC")


# --------------------------------------------------------------------------- intervals


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("day", 1),
        ("1 day", 1),
        ("2 days", 2),
        ("week", 7),
        ("a week", 7),
        ("2 weeks", 14),
        ("two weeks", 14),
        ("every 2 weeks", 14),
        ("every other week", 14),
        ("fortnight", 14),
        ("month", 30),
        ("Every Month", 30),
        ("monthly", 30),
        ("3 months", 90),
        ("quarter", 91),
        ("quarterly", 91),
        ("year", 365),
        ("366 days", 366),
    ],
)
def test_an_interval_reads_as_whole_days(text: str, days: int) -> None:
    assert parse_interval(text) == timedelta(days=days)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("12 hours", "too often"),
        ("0 days", "too often"),
        ("367 days", "too long"),
        ("13 months", "too long"),
        ("2 years", "too long"),
        ("banana", "couldn't read"),
        ("", "couldn't read"),
        ("every", "couldn't read"),
    ],
)
def test_an_interval_outside_a_day_to_a_year_is_refused(text: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_interval(text)
    assert words in caught.value.message
    assert f"“{text}”" in caught.value.message
    assert caught.value.hint.startswith("Try:")


# --------------------------------------------------------------------------- time of day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00", time(22, 0)),
        ("9", time(9, 0)),
        ("9am", time(9, 0)),
        ("9 a.m.", time(9, 0)),
        ("9:30pm", time(21, 30)),
        ("9.30", time(9, 30)),
        ("21h", time(21, 0)),
        ("21h30", time(21, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("at 7PM", time(19, 0)),
        ("noon", time(12, 0)),
        ("midnight", time(0, 0)),
        ("0:05", time(0, 5)),
    ],
)
def test_a_time_of_day_reads_in_common_forms(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["25:00", "24:00", "9:60", "13pm", "0am", "nope", "", "9 o'clock"])
def test_a_time_of_day_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_time_of_day(text)
    assert f"“{text}”" in caught.value.message
    assert "9am" in caught.value.hint


# --------------------------------------------------------------------------- weekdays


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *[("mon", 0), ("monday", 0), ("Mondays", 0), ("tue", 1), ("Thurs", 3)],
        *[("on fridays", 4), ("every sunday", 6), ("SAT", 5), ("wednesday", 2)],
    ],
)
def test_a_weekday_reads_monday_as_zero(text: str, expected: int) -> None:
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["funday", "", "monday tuesday", "m", "7"])
def test_a_weekday_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_weekday(text)
    assert f"“{text}”" in caught.value.message


# --------------------------------------------------------------------------- time zones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        (" Asia/Kolkata ", "Asia/Kolkata"),
        ("America/New York", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
    ],
)
def test_a_time_zone_reads_as_its_canonical_iana_name(text: str, expected: str) -> None:
    assert check_timezone(text) == expected


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("Europe/Pariss", "Europe/Paris"), ("paris", "Europe/Paris"), ("new york", "New_York")],
)
def test_a_misspelt_time_zone_suggests_the_closest_names(text: str, suggestion: str) -> None:
    with pytest.raises(UserError) as caught:
        check_timezone(text)
    assert f"“{text}”" in caught.value.message
    assert suggestion in caught.value.hint


@pytest.mark.parametrize("text", ["Mars/Olympus_Mons", "", "../../etc/passwd", "x" * 300])
def test_an_unknown_time_zone_gives_an_example(text: str) -> None:
    with pytest.raises(UserError) as caught:
        check_timezone(text)
    assert "Europe/Paris" in caught.value.hint


# --------------------------------------------------------------------------- showing times


def test_format_when_shows_local_time_zone_and_how_far_off() -> None:
    moment = at("Europe/Paris", "2026-11-27 09:00")
    shown = format_when(moment, timezone="Europe/Paris", now=NOW)
    assert shown == "Fri 27 Nov 2026, 09:00 Europe/Paris (tomorrow)"


@pytest.mark.parametrize(
    ("delta", "relative"),
    [
        (timedelta(seconds=30), "(in under a minute)"),
        (timedelta(minutes=1), "(in 1 minute)"),
        (timedelta(minutes=45), "(in 45 minutes)"),
        (timedelta(minutes=90), "(in 90 minutes)"),  # exact, not "in 1 hour"
        (timedelta(hours=3), "(in 3 hours)"),
        (timedelta(hours=4, minutes=30), "(in 4 hours 30 minutes)"),
        (timedelta(days=2), "(in 2 days)"),
        (timedelta(days=21), "(in 3 weeks)"),
        (timedelta(days=92), "(in 3 months)"),
        (timedelta(days=3 * 365), "(in 3 years)"),
        (timedelta(days=-1), "(yesterday)"),
        (timedelta(days=-5), "(5 days ago)"),
        (timedelta(hours=-2), "(2 hours ago)"),
    ],
)
def test_format_when_adds_a_short_relative_hint(delta: timedelta, relative: str) -> None:
    assert format_when(NOW + delta, timezone="UTC", now=NOW).endswith(relative)


def test_format_day_is_the_short_local_day() -> None:
    assert format_day(datetime(2026, 11, 24, 12, 0, tzinfo=UTC), timezone="UTC") == "Tue 24 Nov"
    late = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert format_day(late, timezone="Asia/Kolkata") == "Wed 25 Nov"
    assert format_day(datetime(2026, 12, 3, tzinfo=UTC), timezone="UTC") == "Thu 3 Dec"


# --------------------------------------------------------------------------- properties

PROPERTY_ZONES = [*ZONES, "Pacific/Auckland", "Pacific/Kiritimati", "America/St_Johns"]
nows = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
zones = st.sampled_from(PROPERTY_ZONES)
VOCABULARY = [
    *("in", "a", "an", "2", "31", "0", "99999999999", "days", "day", "hours", "h", "m"),
    *("minutes", "week", "month", "year", "ago", "from", "now", "at", "on", "by", "the", "of"),
    *("next", "last", "this", "friday", "mon", "tomorrow", "today", "tonight", "yesterday"),
    *("noon", "midnight", "morning", "9am", "9:30", "21h", "12pm", "dec", "december", "3rd"),
    *("2026", "2026-12-01", "14:00", "feb", "29", ",", "-", "/", ":", "t", "z", "est"),
    *("<t:1798761600>", "<t:1798761600:F>", "🙂", "é", "١", "２"),
]
grammar_like = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=5).map(" ".join)


def _is_a_valid_future(result: datetime, now: datetime) -> bool:
    return result.tzinfo is UTC and now < result <= now + MAX_AHEAD


@PROPERTY
@given(text=st.text(max_size=60), now=nows, zone=zones)
def test_any_text_is_a_future_instant_or_a_user_error(text: str, now: datetime, zone: str) -> None:
    try:
        result = parse_when(text, now=now, timezone=zone)
    except UserError as problem:
        assert problem.message
        return
    assert _is_a_valid_future(result, now)


@PROPERTY
@given(text=grammar_like, now=nows, zone=zones)
def test_any_mix_of_date_words_is_a_future_instant_or_a_user_error(
    text: str, now: datetime, zone: str
) -> None:
    try:
        result = parse_when(text, now=now, timezone=zone)
    except UserError:
        return
    assert _is_a_valid_future(result, now)
    format_when(result, timezone=zone, now=now)


@PROPERTY
@given(
    name=st.sampled_from(["monday", "tue", "wednesday", "thu", "friday", "sat", "sunday"]),
    nxt=st.booleans(),
    now=nows,
    zone=zones,
)
def test_a_weekday_is_9am_local_on_that_day_within_two_weeks(
    name: str, nxt: bool, now: datetime, zone: str
) -> None:
    result = parse_when(f"next {name}" if nxt else name, now=now, timezone=zone)
    local, today = result.astimezone(ZoneInfo(zone)), now.astimezone(ZoneInfo(zone)).date()
    assert local.weekday() == parse_weekday(name)
    assume(local.time() == time(9, 0))  # unless 09:00 fell in a DST gap that day
    ahead = (local.date() - today).days
    if nxt:
        monday_next = today + timedelta(days=7 - today.weekday())
        assert monday_next <= local.date() < monday_next + timedelta(days=7)
    else:
        assert 1 <= ahead <= 7


@PROPERTY
@given(days=st.integers(1, 400), now=nows, zone=zones)
def test_in_n_days_keeps_the_wall_clock(days: int, now: datetime, zone: str) -> None:
    start = now.astimezone(ZoneInfo(zone))
    assume(4 <= start.hour <= 23)  # clear of the small hours where DST gaps live
    result = parse_when(f"in {days} days", now=now, timezone=zone).astimezone(ZoneInfo(zone))
    assert result.replace(tzinfo=None) == start.replace(tzinfo=None) + timedelta(days=days)


@PROPERTY
@given(text=st.text(max_size=40))
def test_any_text_is_an_interval_in_bounds_or_a_user_error(text: str) -> None:
    try:
        result = parse_interval(text)
    except UserError:
        return
    assert timedelta(days=1) <= result <= timedelta(days=366)


@PROPERTY
@given(count=st.integers(0, 10**6))
def test_n_days_is_an_interval_exactly_when_between_1_and_366(count: int) -> None:
    try:
        result = parse_interval(f"every {count} days")
    except UserError:
        assert not 1 <= count <= 366
        return
    assert result == timedelta(days=count)


@PROPERTY
@given(text=st.text(max_size=40))
def test_any_text_is_a_time_of_day_or_a_user_error(text: str) -> None:
    with contextlib.suppress(UserError):
        assert isinstance(parse_time_of_day(text), time)


@PROPERTY
@given(moment=st.times().map(lambda t: t.replace(second=0, microsecond=0, tzinfo=None)))
def test_a_24_hour_time_reads_back_as_itself(moment: time) -> None:
    assert parse_time_of_day(f"{moment:%H:%M}") == moment
    assert parse_time_of_day(f"{moment:%I:%M%p}") == moment


@PROPERTY
@given(text=st.text(max_size=40))
def test_any_text_is_a_weekday_or_a_user_error(text: str) -> None:
    with contextlib.suppress(UserError):
        assert 0 <= parse_weekday(text) <= 6


@PROPERTY
@given(text=st.text(max_size=40))
def test_any_text_is_a_known_time_zone_or_a_user_error(text: str) -> None:
    try:
        name = check_timezone(text)
    except UserError as problem:
        assert "Europe/Paris" in problem.hint
        return
    assert name in available_timezones() | {"UTC"}


@PROPERTY
@given(name=st.sampled_from(sorted(available_timezones())))
def test_every_iana_name_is_accepted_in_any_case(name: str) -> None:
    assert check_timezone(name.upper()) == name


@PROPERTY
@given(
    moment=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
    now=nows,
    zone=zones,
)
def test_formatting_never_fails(moment: datetime, now: datetime, zone: str) -> None:
    assert zone in format_when(moment, timezone=zone, now=now)
    assert format_day(moment, timezone=zone).count(" ") == 2
