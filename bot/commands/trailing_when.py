"""A time phrase ending a line of text: read whole, or offered as one of two readings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.commands.when import (
    MAX_WHEN_WORDS,
    FallbackBudget,
    PastTimeError,
    is_bare_offset,
    is_date_word,
    parse_when,
)
from bot.core.errors import UserError

# Words that introduce a time; after "by", "before", "until" only a time may follow.
_LEADS: Final = frozenset({"by", "before", "until", "till", "til", "on", "at", "in"})
_STRICT_LEADS: Final = frozenset({"by", "before", "until", "till", "til"})
# Words that tie a following time to the thing itself: "the notes from friday".
_BINDING: Final = frozenset(
    {"of", "from", "for", "about", "since", "after", "during", "the", "this", "that", "to"}
)
_NOT_A_START: Final = _BINDING - {"the", "this"}  # "the 3rd", "this friday" are times
# Weekday abbreviations that are also plain words: "a photo of the sun".
_PLAIN_WORDS: Final = frozenset({"sun", "sat", "wed"})


@dataclass(frozen=True)
class TrailingWhen:
    """`text` read as `what` followed by the time `due` (None: no time ends it, `what` is the
    whole text). `unsure`: the ending could be text or time, or was read only in part, so
    (`what`, `due`) is one reading to offer and (the whole text, no time) the other. `what` is
    empty when the whole text is a time."""

    what: str
    due: datetime | None
    unsure: bool = False


def _bare(word: str) -> str:
    return word.lower().strip(".,;:!?")


def read_trailing_when(text: str, *, now: datetime, timezone: str) -> TrailingWhen:
    """The time phrase at the end of `text`, read whole in the member's `timezone`.

    The longest ending that reads whole as a time (with or without by / before / until / on /
    at / in) is the due time, the words before it what is promised. The reading is `unsure`
    when the ending has no such word and may belong to the thing ("notes from friday",
    "2 weeks", "the sun"), when a date word just before it was left out ("monday tomorrow"), or
    when only the start of a time phrase reads ("by friday lunchtime"). Raises UserError when
    a by / before / until phrase reads not at all, or the ending read whole has passed (unless
    it belongs to the thing: "the photos from yesterday").
    """
    words = text.split()
    budget = FallbackBudget()  # one dateparser call per line, however many endings are tried
    first = max(0, len(words) - MAX_WHEN_WORDS - 1)
    for start in range(first, len(words)):
        lead = _bare(words[start]) in _LEADS
        if _bare(words[start]) in _NOT_A_START:
            continue  # "of friday" is no time; "friday" after it is tried next
        phrase = " ".join(words[start + 1 :] if _bare(words[start]) == "before" else words[start:])
        try:
            due = parse_when(phrase, now=now, timezone=timezone, budget=budget)
        except PastTimeError:
            if start and _bare(words[start - 1]) in _BINDING:
                return TrailingWhen(text.strip(), None)  # "the photos from yesterday"
            raise  # read whole, it has passed: no later part of it is read instead
        except UserError:
            continue
        return _read(words, start, due, lead=lead)
    partial = _partial(words, first, now=now, timezone=timezone, budget=budget)
    if partial is not None:
        return partial
    if (strict := _last_strict(words)) is not None:
        parse_when(" ".join(words[strict + 1 :]), now=now, timezone=timezone)  # says why not
    return TrailingWhen(text.strip(), None)


def _read(words: list[str], start: int, due: datetime, *, lead: bool) -> TrailingWhen:
    what = " ".join(words[:start]).strip(" ,")
    before = _bare(words[start - 1]) if start else ""
    phrase = " ".join(words[start:])
    unsure = is_date_word(before, numbers=False) or (
        not lead and (before in _BINDING or is_bare_offset(phrase) or _bare(phrase) in _PLAIN_WORDS)
    )
    return TrailingWhen(_offered_what(words[:start]) if unsure else what, due, unsure=unsure)


def _partial(
    words: list[str], first: int, *, now: datetime, timezone: str, budget: FallbackBudget
) -> TrailingWhen | None:
    """The start of a time phrase read while its end is not: "by friday lunchtime"."""
    strict = _last_strict(words)
    for start in range(max(first, strict or 0), len(words)):
        word = _bare(words[start])
        if word not in _LEADS and not is_date_word(word, numbers=True):
            continue
        for end in range(len(words) - 1, start, -1):  # the longest start that reads
            phrase = words[start + 1 : end] if word == "before" else words[start:end]
            try:
                due = parse_when(" ".join(phrase), now=now, timezone=timezone, budget=budget)
            except UserError:
                continue
            rest = words[end:]
            if word in _STRICT_LEADS or any(
                _bare(w) in _LEADS or is_date_word(w, numbers=True) for w in rest
            ):
                return TrailingWhen(_offered_what(words[:start]), due, unsure=True)
            break  # "the book on friday drinks": the time is inside the thing
    return None


def _offered_what(words: list[str]) -> str:
    """What is promised in the time reading: "the notes from friday" promises "the notes"."""
    kept = list(words)
    while len(kept) > 1 and _bare(kept[-1]) in _BINDING:
        kept.pop()
    return " ".join(kept).strip(" ,")


def _last_strict(words: list[str]) -> int | None:
    found = [index for index, word in enumerate(words) if _bare(word) in _STRICT_LEADS]
    return found[-1] if found else None
