"""Dates, times, intervals and time zones as members type them, read in their own time zone."""

from __future__ import annotations

import calendar
import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Final
from zoneinfo import ZoneInfo, available_timezones

from bot.commands.replies import echo
from bot.core.errors import UserError

MAX_WHEN_LENGTH: Final = 200
# Bounds that keep a parse cheap whatever is typed: no date or time anyone writes needs more
# words than these, and dateparser (about 10 ms a call) is tried on at most a few short phrases.
MAX_WHEN_WORDS: Final = 12
MAX_FALLBACK_WORDS: Final = 8
WHEN_EXAMPLES: Final = "Try: friday, tomorrow 9am, in 2 days, dec 3, 2026-12-01 14:00"
INTERVAL_EXAMPLES: Final = "Try: week, 2 weeks, fortnight, month, every 3 months, quarter, year"
TIME_EXAMPLES: Final = "Try: 9am, 9:30pm, 22:00, 21h"
WEEKDAY_EXAMPLES: Final = "Try: monday, tue, fridays"
TIMEZONE_EXAMPLE: Final = "Europe/Paris"
MIN_INTERVAL: Final = timedelta(days=1)
MAX_INTERVAL: Final = timedelta(days=366)
# Far enough for any promise or pause, and keeps later arithmetic (heads-ups, snoozes) clear of
# datetime's year-9999 ceiling.
MAX_AHEAD: Final = timedelta(days=3653)

DEFAULT_TIME: Final = time(9, 0)  # a date given without a time of day


class PastTimeError(UserError):
    """A readable time that has already passed (as opposed to unreadable text)."""


_WEEKDAYS: Final = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip
_MONTHS: Final = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_DAY_ABBR: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR: Final = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
_NUMBER_WORDS: Final = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "couple of": 2, "a couple of": 2,
}  # fmt: skip

# Day words that stand alone: (days from today, time of day they imply or None for the default).
_DAY_WORDS: Final[dict[str, tuple[int, time | None]]] = {
    "today": (0, None),
    "tomorrow": (1, None), "tmrw": (1, None), "tmr": (1, None), "tomorow": (1, None),
    "tommorow": (1, None), "tommorrow": (1, None),
    "day after tomorrow": (2, None), "the day after tomorrow": (2, None),
    "yesterday": (-1, None),
    "tonight": (0, time(20, 0)),
    "this morning": (0, time(9, 0)),
    "this afternoon": (0, time(14, 0)),
    "this evening": (0, time(18, 0)),
    "end of day": (0, time(17, 0)), "end of the day": (0, time(17, 0)), "eod": (0, time(17, 0)),
}  # fmt: skip
# Words for a time of day that may follow (or stand in for) a day.
_TIME_WORDS: Final = {
    "morning": time(9, 0),
    "noon": time(12, 0), "midday": time(12, 0),
    "afternoon": time(14, 0),
    "evening": time(18, 0),
    "night": time(20, 0),
    "eod": time(17, 0), "end of day": time(17, 0), "end of the day": time(17, 0),
}  # fmt: skip

_A = re.ASCII  # digits are 0-9 only: no surprises from other scripts' numerals
_CLOCK_AMPM = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2}))? ?(am|pm|a|p)", _A)
_CLOCK_24 = re.compile(r"([0-9]{1,2})(?:[:.h]([0-9]{2})|h)", _A)
_BARE_HOUR = re.compile(r"[0-9]{1,2}", _A)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", _A)
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)"
_MONTH_DAY = re.compile(
    rf"(?:the )?({_MONTH_NAMES})\.? (?:the )?([0-9]{{1,2}}){_ORDINAL}?(?:,? ([0-9]{{4}}))?", _A
)
_DAY_MONTH = re.compile(
    rf"(?:the )?([0-9]{{1,2}}){_ORDINAL}? (?:of )?({_MONTH_NAMES})\.?(?:,? ([0-9]{{4}}))?", _A
)
_DAY_OF_MONTH = re.compile(rf"(?:the )?([0-9]{{1,2}}){_ORDINAL}", _A)
_WEEKDAY_NAMES = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_WEEKDAY = re.compile(
    rf"(?:(this|coming|next|last) )?({_WEEKDAY_NAMES})\.?(?P<nextweek> next week)?", _A
)
_OFFSET_UNITS = (
    r"seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|"
    r"fortnights?|months?|mos?|years?|yrs?|y"
)
_OFFSET_WORDS = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_OFFSET_TERM = re.compile(
    rf"(?:half an? hour|(?:([0-9]+) ?|({_OFFSET_WORDS}) )({_OFFSET_UNITS}))(?![a-z])", _A
)
_OFFSET_SEP = re.compile(r"(?:,? ?and |, ?| )?", _A)
_TIME_MARKER = re.compile(r"[0-9][:.h][0-9]|[0-9] ?[ap]\.?m\b|noon|midnight|midday", _A)
# dateparser skips words it does not know ("🙂 tomorrow" reads as tomorrow): it only sees text
# made of these words, numbers (3, 3rd, 14:00, 2026-12-01, 12/01/2026) and a little punctuation.
_FALLBACK_WORDS: Final = frozenset(
    {*_MONTHS, *_DAY_WORDS, *_TIME_WORDS, "midnight", "now", "ago", "later", "time"}
    | {"in", "at", "on", "of", "the", "and", "from", "next", "last", "this", "after", "a", "an"}
    | {"sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hour", "hours"}
    | {"day", "days", "week", "weeks", "month", "months", "year", "years", "fortnight"}
    | {"am", "pm", "t", "z", "utc", "gmt", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt"}
    | {"cet", "cest", "bst", "ist", "jst", "aest", "aedt"}
)
_COLON_CLOCK = re.compile(r"(?<![0-9])([0-9]{1,2}):([0-9]{2})(?![0-9])", _A)
_FALLBACK_TOKEN = re.compile(r"[a-z]+|[0-9]+(?:st|nd|rd|th|h|am|pm|z)?|[-+/:.,' ]", _A)
_INTERVAL = re.compile(r"(?:every )?(?:(other) |([0-9]+) ?|(" + _OFFSET_WORDS + r") )?([a-z]+)", _A)


# --------------------------------------------------------------------------- what was typed


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("a.m.", "am").replace("p.m.", "pm").replace("’", "'")
    text = " ".join(text.split())
    # "2026-12-01T14:00" is ISO; let the date and time split on the space like other forms.
    text = re.sub(r"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t([0-9])", r"\1 \2", text, flags=_A)
    text = text.strip(" .,!?;")
    for prefix in ("by ", "on ", "until ", "till ", "til "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    return text


def _unreadable(typed: str) -> UserError:
    return UserError(f"I couldn't read {echo(typed)} as a date or time.", hint=WHEN_EXAMPLES)


# --------------------------------------------------------------------------- time zones


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    names = {name.lower(): name for name in available_timezones()}
    names["utc"] = "UTC"
    return names


@lru_cache(maxsize=1)
def _zone_cities() -> dict[str, list[str]]:
    cities: dict[str, list[str]] = {}
    for name in _zone_names().values():
        cities.setdefault(name.rsplit("/", 1)[-1].lower(), []).append(name)
    return cities


@lru_cache(maxsize=1)
def _zone_regions() -> dict[str, list[str]]:
    regions: dict[str, list[str]] = {}
    for key in _zone_names():
        regions.setdefault(key.partition("/")[0], []).append(key)
    return regions


def is_timezone(name: str) -> bool:
    """Whether `name` is an IANA zone as platforms report it (exact spelling)."""
    return _zone_names().get(name.lower()) == name


def check_timezone(name: str) -> str:
    """The canonical IANA name for `name` (any case, spaces for underscores), else a UserError."""
    key = "_".join(name.strip().split()).lower()
    canonical = _zone_names().get(key) if len(key) <= 64 else None
    if canonical is not None:
        try:
            ZoneInfo(canonical)
        except Exception:  # a listed zone whose data will not load is no use to anyone
            canonical = None
    if canonical is not None:
        return canonical
    suggestions: list[str] = []
    if key and len(key) <= 64:
        names = _zone_names()
        cities = _zone_cities()
        city = key.rsplit("/", 1)[-1]
        if city in cities:  # "paris" alone: its zone, not every zone spelled a bit like it
            suggestions = sorted(cities[city], key=lambda zone: ("/" not in zone, zone))[:1]
        else:
            # A known region ("europe/pariz"): the near names are its own, and a tenth as many.
            region, slash, _ = key.partition("/")
            same_region = _zone_regions().get(region) if slash else None
            close = difflib.get_close_matches(key, same_region or names.keys(), n=3, cutoff=0.6)
            suggestions += [names[match] for match in close]
            for near in difflib.get_close_matches(city, cities.keys(), n=2):
                suggestions += sorted(cities[near], key=lambda zone: ("/" not in zone, zone))[:1]
    unique = list(dict.fromkeys(suggestions))[:3]
    guess = f"Did you mean {' or '.join(unique)}? " if unique else ""
    raise UserError(
        f"I don't know the time zone {echo(name)}.",
        hint=f"{guess}Use an IANA name, for example {TIMEZONE_EXAMPLE} or America/New_York.",
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except Exception:  # unknown, malformed or differently-cased: let check_timezone explain
        return ZoneInfo(check_timezone(name))


# --------------------------------------------------------------------------- time of day


def _clock(text: str, *, bare_hour: bool) -> time | None:
    """A clock time: 9am, 9:30pm, 21:00, 21h, 21h30 (and a bare 9 only if `bare_hour`)."""
    if match := _CLOCK_AMPM.fullmatch(text):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None
        return time(hour % 12 + (12 if match[3].startswith("p") else 0), minute)
    if match := _CLOCK_24.fullmatch(text):
        hour, minute = int(match[1]), int(match[2] or 0)
    elif bare_hour and _BARE_HOUR.fullmatch(text):
        hour, minute = int(text), 0
    else:
        return None
    return time(hour, minute) if hour <= 23 and minute <= 59 else None


def parse_time_of_day(text: str) -> time:
    """A time of day: "22:00", "9", "9am", "9:30pm", "21h", "noon"; UserError otherwise."""
    typed = text
    text = _normalize(text) if len(text) <= MAX_WHEN_LENGTH else ""
    text = text.removeprefix("at ")
    if text == "midnight":
        return time(0, 0)
    if text in ("noon", "midday"):
        return time(12, 0)
    found = _clock(text, bare_hour=True)
    if found is None:
        raise UserError(f"I couldn't read {echo(typed)} as a time of day.", hint=TIME_EXAMPLES)
    return found


def _time_part(text: str, *, bare_hour: bool) -> time | None:
    text = text.strip(" ,").removeprefix("by ")  # "friday by 5pm"
    if text.startswith(("at ", "@ ")):
        text, bare_hour = text[2:].strip(), True
    elif text.startswith("@"):
        text, bare_hour = text[1:].strip(), True
    text = text.removeprefix("in the ")
    return _TIME_WORDS.get(text) or _clock(text, bare_hour=bare_hour)


# --------------------------------------------------------------------------- days


@dataclass(frozen=True)
class _Dates:
    """Candidate local dates, earliest first: the first whose moment is after now is chosen."""

    candidates: tuple[date, ...]
    default_time: time = DEFAULT_TIME


@dataclass(frozen=True)
class _Offset:
    """A shift from now: calendar parts move the local wall clock, exact parts move the instant."""

    months: int = 0
    days: int = 0
    seconds: int = 0
    ago: bool = False


@dataclass(frozen=True)
class _NotADate:
    """Read as a date, but the calendar has no such day (feb 30, 2026-13-01)."""


_Day = _Dates | _Offset | _NotADate


def _calendar_dates(year: int | None, month: int, day: int, *, today: date) -> _Dates | _NotADate:
    if year is not None:
        try:
            return _Dates((date(year, month, day),))
        except ValueError:
            return _NotADate()
    # No year: this year's, else the next year's that exists (feb 29 waits for a leap year).
    found = []
    for candidate_year in range(today.year, today.year + 9):
        try:
            found.append(date(candidate_year, month, day))
        except ValueError:
            continue
    return _Dates(tuple(found)) if found else _NotADate()


def _month_length(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _month_length(date(year, month, 1))))


def _weekday_date(which: str | None, weekday: int, *, today: date) -> date:
    if which == "next":
        # The weekday in next calendar week (weeks start on Monday).
        return today + timedelta(days=7 - today.weekday() + weekday)
    if which == "last":
        return today - timedelta(days=(today.weekday() - weekday - 1) % 7 + 1)
    # The first such weekday strictly after today: 1 to 7 days ahead.
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _parse_offset(text: str) -> _Offset | None:
    ago = False
    if text.startswith("in "):
        text = text[3:]
    elif text.endswith(" ago"):
        text, ago = text[:-4], True
    else:
        text = text.removesuffix(" from now").removesuffix(" later")
    text = re.sub(r"(?:'s?)? time$", "", text)  # "in 2 days' time"
    months = days = seconds = 0
    position = 0
    while True:
        match = _OFFSET_TERM.match(text, position)
        if match is None:
            return None
        if match[3] is None:  # half an hour
            seconds += 1800
        else:
            count = int(match[1]) if match[1] is not None else _NUMBER_WORDS[match[2]]
            unit = match[3]
            if unit.startswith(("mo", "y")):
                months += count * (12 if unit.startswith("y") else 1)
            elif unit.startswith("f"):
                days += 14 * count
            elif unit.startswith("w"):
                days += 7 * count
            elif unit.startswith("d"):
                days += count
            elif unit.startswith("h"):
                seconds += 3600 * count
            elif unit.startswith("m"):
                seconds += 60 * count
            else:
                seconds += count
        position = match.end()
        if position == len(text):
            return _Offset(months=months, days=days, seconds=seconds, ago=ago)
        separator = _OFFSET_SEP.match(text, position)
        position = separator.end() if separator else position


def _parse_day(text: str, *, today: date) -> _Day | None:
    text = text.strip(" ,").removeprefix("on ")
    if text in _DAY_WORDS:
        shift, implied = _DAY_WORDS[text]
        return _Dates((today + timedelta(days=shift),), implied or DEFAULT_TIME)
    if match := _WEEKDAY.fullmatch(text):
        which = "next" if match["nextweek"] and match[1] is None else match[1]
        return _Dates((_weekday_date(which, _WEEKDAYS[match[2]], today=today),))
    if text == "next week":
        return _Dates((today + timedelta(days=7 - today.weekday()),))
    if text == "next month":
        return _Dates((_add_months(today.replace(day=1), 1),))
    if text.removeprefix("the ") in ("end of month", "end of the month", "eom"):
        return _Dates((today.replace(day=_month_length(today)),))
    if match := _ISO_DATE.fullmatch(text):
        return _calendar_dates(int(match[1]), int(match[2]), int(match[3]), today=today)
    if match := _MONTH_DAY.fullmatch(text):
        year = int(match[3]) if match[3] else None
        return _calendar_dates(year, _MONTHS[match[1]], int(match[2]), today=today)
    if match := _DAY_MONTH.fullmatch(text):
        year = int(match[3]) if match[3] else None
        return _calendar_dates(year, _MONTHS[match[2]], int(match[1]), today=today)
    if match := _DAY_OF_MONTH.fullmatch(text):
        day = int(match[1])
        first = today.replace(day=1)
        months = (_add_months(first, ahead) for ahead in range(13))
        found = tuple(
            month.replace(day=day) for month in months if 1 <= day <= _month_length(month)
        )
        return _Dates(found) if found else _NotADate()
    return _parse_offset(text)


# --------------------------------------------------------------------------- parse_when


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    # fold=0: a time skipped by a spring-forward reads with the old offset (02:30 → 03:30);
    # a time repeated in autumn is its first occurrence.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _resolve(day: _Dates | _Offset, at: time | None, *, now: datetime, zone: ZoneInfo) -> datetime:
    if isinstance(day, _Dates):
        moments = [_local(candidate, at or day.default_time, zone) for candidate in day.candidates]
        return next((moment for moment in moments if moment > now), moments[-1])
    sign = -1 if day.ago else 1
    wall = now.astimezone(zone).replace(tzinfo=None)
    shifted = _add_months(wall.date(), sign * day.months) + timedelta(days=sign * day.days)
    if at is not None:
        return _local(shifted, at, zone)
    # Calendar parts keep the local time of day, even across a DST change; hours are exact.
    moment = datetime.combine(shifted, wall.time(), tzinfo=zone).astimezone(UTC)
    return moment + timedelta(seconds=sign * day.seconds)


def _parse_own(text: str, *, now: datetime, zone: ZoneInfo, typed: str) -> datetime | None:
    """Our own grammar: [day] [time], [time] [day], offsets; None when it does not apply."""
    today = now.astimezone(zone).date()
    today_or_tomorrow = _Dates((today, today + timedelta(days=1)))

    def combine(day: _Day | None, at: time | None) -> datetime | None:
        if isinstance(day, _NotADate):
            raise UserError(f"{echo(typed)} isn't a date on the calendar.", hint=WHEN_EXAMPLES)
        if day is None or (at is not None and isinstance(day, _Offset) and day.seconds):
            return None  # "in 3 hours at 5pm" says two different things
        return _resolve(day, at, now=now, zone=zone)

    if text in ("now", "right now"):
        return now  # refused as already passed, which is clearer than "unreadable"
    if (day := _parse_day(text, today=today)) is not None:
        return combine(day, None)
    if text in ("midnight", "at midnight"):
        return _resolve(today_or_tomorrow, time(0, 0), now=now, zone=zone)
    if (at := _time_part(text, bare_hour=False)) is not None:  # today if still ahead, else tomorrow
        return _resolve(today_or_tomorrow, at, now=now, zone=zone)
    words = text.split(" ")
    for split in range(1, len(words)):
        head, tail = " ".join(words[:split]), " ".join(words[split:])
        if (at := _time_part(tail, bare_hour=True)) is not None and (
            moment := combine(_parse_day(head, today=today), at)
        ) is not None:
            return moment
        if (at := _time_part(head, bare_hour=False)) is not None and (
            moment := combine(_parse_day(tail, today=today), at)
        ) is not None:
            return moment
    return None


# The same phrase at the same moment reads the same: a command trying one phrase twice (or a
# member retrying a line) costs one call. Keyed by `now`, so the cache never reads stale time.
@lru_cache(maxsize=256)
def _dateparser_reading(text: str, now: datetime, zone_name: str) -> datetime | None:
    # Imported here: loading it costs start-up time and memory, and few lines ever need it.
    from dateparser.date import DateDataParser

    zone = ZoneInfo(zone_name)
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": zone.key,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": now.astimezone(zone).replace(tzinfo=None),
    }
    try:
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(text)
        found = data.date_obj
        if found is None or data.period in ("month", "year") or found.utcoffset() is None:
            return None  # "march", "2027", "9": too vague to set a reminder by
        moment = found.astimezone(UTC)
        local = moment.astimezone(zone)
        if local.time() == time(0, 0) and not _TIME_MARKER.search(text):
            moment = _local(local.date(), DEFAULT_TIME, zone)
    except Exception:  # dateparser raises assorted errors on odd input; that is "unreadable"
        return None
    return moment


class FallbackBudget:
    """How many more phrases may go to dateparser, shared by the readings of one command."""

    def __init__(self, calls: int = 1) -> None:
        self.remaining = calls


def _spend(budget: FallbackBudget | None) -> bool:
    """Whether a dateparser call is allowed, counting it if so."""
    if budget is None:
        return True
    if budget.remaining <= 0:
        return False
    budget.remaining -= 1
    return True


def _fallback_may_read(text: str) -> bool:
    if text.isdigit():
        return False  # "2" or "29": a day of the month? an hour? too ambiguous
    if text.count(" ") >= MAX_FALLBACK_WORDS:
        return False
    for clock in _COLON_CLOCK.finditer(text):
        if int(clock[1]) > 23 or int(clock[2]) > 59:
            return False  # dateparser would drop "25:00" and read the rest as if whole
    words = []
    position = 0
    while position < len(text):
        match = _FALLBACK_TOKEN.match(text, position)
        if match is None or (match[0].isalpha() and match[0] not in _FALLBACK_WORDS):
            return False  # weekday names included: our grammar owns those
        words.append(match[0])
        position = match.end()
    named = [word for word in words if word.isalpha()]
    if len(set(named)) < len(named):
        return False  # "1 at 1 at 1": one date says each word once
    # Without a number or a month our own grammar has already said all there is to say.
    return any(word[0].isdigit() or word in _MONTHS for word in words)


def when_too_long(text: str) -> UserError | None:
    """The refusal `parse_when` gives `text` for its length alone, else None; cheap to ask."""
    typed = text.strip()
    if len(typed) <= MAX_WHEN_LENGTH:
        return None
    return UserError(
        f"{echo(typed)} is {len(typed)} characters; a date or time fits in {MAX_WHEN_LENGTH}.",
        hint=WHEN_EXAMPLES,
    )


def parse_when(
    text: str, *, now: datetime, timezone: str, budget: FallbackBudget | None = None
) -> datetime:
    """When something should happen, as a member typed it; an aware UTC instant after `now`.

    `text` is read in the member's IANA `timezone`; `now` is aware (UTC). Rules:

    - A date without a time of day means 09:00 local that day ("tomorrow", "dec 3", "friday").
    - A bare time of day ("9am", "at 17:30", "noon") is today if still ahead, else tomorrow.
    - "friday", "this friday", "on friday": the first Friday strictly after today (1–7 days).
    - "next friday", "friday next week": the Friday of next calendar week (weeks start on
      Monday), so on Thursday 26 Nov it is Fri 4 Dec, and on a Saturday or Sunday it is the same
      day as "friday". "next week" is next Monday, "next month" the 1st of next month.
    - "in 2 days", "in a week", "in a month", "2 weeks" keep the local time of day (even across
      a DST change); "in 3 hours", "in 1 minute", "2h" are exact ("21h" alone is in 21 hours;
      "at 21h" is 21:00). "in 2 days at 5pm" sets the time.
    - "dec 3" without a year is the next Dec 3 whose moment is still ahead.
    - "tonight" is 20:00; morning 09:00, afternoon 14:00, evening 18:00, end of day 17:00.
    - Anything else made only of date words, numbers and date punctuation goes to dateparser
      (future-preferring, in the member's zone); other text, including text naming a weekday
      that our grammar does not read, is refused rather than guessed.

    `budget`, shared by several readings of one command, bounds how many go to dateparser;
    once spent, text only dateparser could read is unreadable.

    Raises UserError when the text is empty, longer than 200 characters, unreadable (including
    more than 12 words), names no real date, has already passed, or is more than ten years
    ahead. Nothing else escapes for any `text`; a naive `now` is a programming error (ValueError).
    """
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    zone = _zone(timezone)
    typed = text.strip()
    if not typed:
        raise UserError("I need a date or time there, but got nothing.", hint=WHEN_EXAMPLES)
    if (too_long := when_too_long(typed)) is not None:
        raise too_long
    try:
        normalized = _normalize(typed)
        if normalized.count(" ") >= MAX_WHEN_WORDS:
            normalized = ""  # unreadable, said cheaply: no date or time is that long
        moment = _parse_own(normalized, now=now, zone=zone, typed=typed) if normalized else None
        if moment is None and normalized and _fallback_may_read(normalized) and _spend(budget):
            moment = _dateparser_reading(normalized, now, zone.key)
    except (OverflowError, OSError, ValueError):  # outside datetime's years 1 to 9999
        raise UserError(
            f"{echo(typed)} is too far away; I can keep track up to ten years ahead.",
            hint=WHEN_EXAMPLES,
        ) from None
    if moment is None:
        raise _unreadable(typed)
    return _ahead(moment, typed=typed, now=now, zone=zone)


def check_instant(moment: datetime, *, now: datetime, timezone: str) -> datetime:
    """An instant a platform picked (not typed words), held to `parse_when`'s rules: still
    ahead, and at most ten years out. Raises UserError (PastTimeError) otherwise."""
    if now.utcoffset() is None or moment.utcoffset() is None:
        raise ValueError("instants must be timezone-aware")
    zone = _zone(timezone)
    moment, now = moment.astimezone(UTC), now.astimezone(UTC)
    return _ahead(moment, typed="", now=now, zone=zone)


def _ahead(moment: datetime, *, typed: str, now: datetime, zone: ZoneInfo) -> datetime:
    """`moment` if still ahead and at most ten years out; `typed` is the words it came from."""
    if moment <= now:
        said = f"{echo(typed)} is " if typed else ""
        raise PastTimeError(
            f"That time has already passed: {said}{_absolute(moment, zone)}.",
            hint=f"Pick a moment still ahead. {WHEN_EXAMPLES}",
        )
    if moment - now > MAX_AHEAD:
        raise UserError(
            f"{echo(typed or _absolute(moment, zone))} is too far ahead; I can keep track up to "
            "ten years out.",
            hint=WHEN_EXAMPLES,
        )
    return moment


# --------------------------------------------------------------------------- intervals, weekdays


def parse_interval(text: str) -> timedelta:
    """How often: "week", "2 weeks", "fortnight", "every 3 months", "quarter"; 1 to 366 days.

    A month counts as 30 days, a quarter 91, a year 365.
    """
    typed = text
    text = _normalize(text) if len(text) <= MAX_WHEN_LENGTH else ""
    adverbs = {"daily": "day", "weekly": "week", "fortnightly": "fortnight", "monthly": "month",
               "quarterly": "quarter", "yearly": "year", "annually": "year"}  # fmt: skip
    text = adverbs.get(text.removeprefix("every "), text)
    match = _INTERVAL.fullmatch(text)
    unit = match[4].removesuffix("s") if match else ""
    unit = {"d": "day", "w": "week", "wk": "week", "mo": "month", "yr": "year", "y": "year"}.get(
        unit, unit
    )
    unit_days = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 91, "year": 365}
    if match is None or (unit not in unit_days and unit not in ("hour", "minute", "min", "h")):
        raise UserError(f"I couldn't read {echo(typed)} as an interval.", hint=INTERVAL_EXAMPLES)
    if match[1]:
        count = 2
    elif match[2]:
        count = int(match[2])
    else:
        count = _NUMBER_WORDS[match[3]] if match[3] else 1
    days = count * unit_days.get(unit, 0)
    if days < MIN_INTERVAL.days:
        raise UserError(
            f"{echo(typed)} is too often: the shortest interval is a day.", hint=INTERVAL_EXAMPLES
        )
    if days > MAX_INTERVAL.days:
        raise UserError(
            f"{echo(typed)} is too long: the longest interval is {MAX_INTERVAL.days} days.",
            hint=INTERVAL_EXAMPLES,
        )
    return timedelta(days=days)


def parse_weekday(text: str) -> int:
    """A day of the week, Monday=0: "mon", "monday", "Mondays", "on tuesdays"."""
    key = _normalize(text) if len(text) <= MAX_WHEN_LENGTH else ""
    key = key.removeprefix("every ").rstrip(".")
    weekday = _WEEKDAYS.get(key)
    if weekday is None and key.endswith("s"):
        weekday = _WEEKDAYS.get(key[:-1])
    if weekday is None:
        raise UserError(
            f"I couldn't read {echo(text)} as a day of the week.", hint=WEEKDAY_EXAMPLES
        )
    return weekday


# --------------------------------------------------------------------------- showing times


def _absolute(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{_day_label(local)} {local.year}, {local:%H:%M} {zone.key}"


def _day_label(local: datetime) -> str:
    # Our own names: strftime's %a/%b follow the process locale.
    return f"{_DAY_ABBR[local.weekday()]} {local.day} {_MONTH_ABBR[local.month]}"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def _relative(moment: datetime, *, now: datetime, zone: ZoneInfo) -> str:
    seconds = (moment - now).total_seconds()
    ahead = seconds >= 0
    seconds = abs(seconds)
    days = abs((moment.astimezone(zone).date() - now.astimezone(zone).date()).days)
    if seconds < 60:
        span = "under a minute" if ahead else "a moment"
    elif seconds < 2 * 3600:  # exact: "in 90 minutes", never "in 1 hour" for an hour and a half
        span = _plural(int(seconds // 60), "minute")
    elif days == 0:
        hours, minutes = divmod(int(seconds // 60), 60)
        span = _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    elif days == 1:
        return "tomorrow" if ahead else "yesterday"
    elif days < 14:
        span = _plural(days, "day")
    elif days < 60:
        span = _plural(days // 7, "week")
    elif days < 730:
        span = _plural(round(days / 30.44), "month")
    else:
        span = _plural(round(days / 365.25), "year")
    return f"in {span}" if ahead else f"{span} ago"


def format_when(moment: datetime, *, timezone: str, now: datetime) -> str:
    """ "Fri 27 Nov 2026, 09:00 Europe/Paris (tomorrow)": local time, zone, and how far off."""
    zone = _zone(timezone)
    return f"{_absolute(moment, zone)} ({_relative(moment, now=now, zone=zone)})"


def format_moment(moment: datetime, *, timezone: str) -> str:
    """ "Fri 27 Nov 2026, 09:00 Europe/Paris": local time and zone."""
    return _absolute(moment, _zone(timezone))


def format_clock(moment: datetime, *, timezone: str) -> str:
    """The local time of day: "09:00"."""
    return f"{moment.astimezone(_zone(timezone)):%H:%M}"


def example_dates(now: datetime, *, timezone: str) -> tuple[str, str]:
    """Two dates as a member may type them, three and five weeks after `now` in their zone, so
    an example shown is never in the past: "dec 24" and "2027-01-07 14:00"."""
    today = now.astimezone(_zone(timezone)).date()
    short, full = today + timedelta(weeks=3), today + timedelta(weeks=5)
    return f"{_MONTH_ABBR[short.month].lower()} {short.day}", f"{full.isoformat()} 14:00"


def format_day(moment: datetime, *, timezone: str) -> str:
    """The local day, short: "Tue 24 Nov"."""
    return _day_label(moment.astimezone(_zone(timezone)))


# --------------------------------------------------------------------------- words in a sentence

# Words that only ever belong to a date or time, besides numbers and clock times.
_DATE_WORDS: Final = frozenset(
    {*_WEEKDAYS, *_MONTHS, *_DAY_WORDS, *_TIME_WORDS, "midnight", "lunchtime", "lunch"}
    | {"next", "last", "this", "coming", "eom", "am", "pm", "ish", "sharp", "latest", "oclock"}
)


def is_date_word(word: str, *, numbers: bool) -> bool:
    """Whether `word` belongs to a time phrase: a weekday, month, day word or clock time
    ("3pm", "14:00", "3rd"); any word with a digit in it too when `numbers`."""
    word = _normalize(word) if len(word) <= MAX_WHEN_LENGTH else ""
    if word in _DATE_WORDS or _clock(word, bare_hour=False) is not None:
        return True
    if _DAY_OF_MONTH.fullmatch(word) or _ISO_DATE.fullmatch(word):
        return True
    return numbers and any(ch in "0123456789" for ch in word)


def is_bare_offset(text: str) -> bool:
    """ "2 weeks", "a month": a span with no "in" or "from now", which may just be a quantity."""
    text = _normalize(text) if len(text) <= MAX_WHEN_LENGTH else ""
    if text.startswith("in ") or text.endswith((" from now", " later")):
        return False
    return _parse_offset(text) is not None
