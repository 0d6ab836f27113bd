"""Reading people, numbers and free text out of a command line."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.commands.base import MAX_TEXT, ParseEnv
from bot.commands.base import PersonRef as PersonRef  # the handlers' name for a person
from bot.commands.replies import echo
from bot.core.errors import UserError
from bot.core.limits import MAX_MENTIONS
from bot.core.message import command

# A mention's neutral placeholder; its key is whatever the adapter chose (a Matrix or Teams id
# too), and `ParseEnv.mentions` says who it is.
_MENTION = re.compile(r"<@(?![&!])([^\s<>|]+)(?:\|[^<>]*)?>")
_QUOTED = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")
# "@sam, at PyCon", "@sam: the slides": the punctuation only ends the person.
_SEPARATOR = re.compile(r"^[,:;]\s*")
# What joins one more person to those before it: "@sam, @ana", '@sam and "Ana Lima"'.
_JOINER = re.compile(r"^\s*(?:,|(?:and|&)\s)\s*", re.IGNORECASE)
_BROADCAST = re.compile(r"@(?:everyone|here|channel)\b|<!\w+[^>]*>|<@&\d+>", re.IGNORECASE)
# Typed input loses its control characters on the way in: PostgreSQL refuses NUL in text, and a
# raw line break could forge a log line or a line of the bot's own. Line breaks become spaces;
# a tab stays (harmless, and pasted text keeps it); every other control character goes.
_BREAKS = "\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"
_CONTROLS = {
    code: (" " if chr(code) in _BREAKS else None)
    for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)
    if code != 0x09
}
PERSON_HINT = (
    "Mention a member (@sam) or put the name of someone outside the community in quotes "
    '("Sam Lee").'
)

# Typed text quoted back inside a reply: shortened, and defused so that no mention, broadcast
# or markup survives (bot-authored text is rendered as markup by the adapters).


def clean_input(text: str) -> str:
    """What a member typed (a command line, a typed option, a name), without control characters."""
    return text.translate(_CONTROLS)


def take_people(
    text: str, env: ParseEnv, *, role: str = "who"
) -> tuple[tuple[PersonRef, ...], str]:
    """Read one or more people at the start of `text` ("@sam @ana", '@sam and "Ana Lima"'),
    each once; return them and the rest. After the first, a quoted name is a person only when
    "and", "&" or a comma joins it: in `@sam "Rust night"` the quotes are the context."""
    person, rest = _take_one(text, env, role=role)
    people = {_same_person(person): person}
    while True:
        joiner = _JOINER.match(rest)
        following = rest[joiner.end() :] if joiner else rest.strip()
        unjoined_quote = joiner is None and _QUOTED.match(following) is not None
        if unjoined_quote or not starts_with_person(following):
            return tuple(people.values()), _after_person(rest)
        person, rest = _take_one(following, env, role=role)
        people.setdefault(_same_person(person), person)


def starts_with_person(text: str) -> bool:
    """A mention, a quoted name, a broadcast or an @word: read as a person (or refused as one)."""
    return bool(
        _MENTION.match(text)
        or _QUOTED.match(text)
        or _BROADCAST.match(text)
        or text.startswith("@")
    )


def distinct_people(people: Iterable[PersonRef]) -> tuple[PersonRef, ...]:
    """Each person once, in order: a member by id, someone outside by name in any case."""
    found: dict[tuple[str | None, str], PersonRef] = {}
    for person in people:
        found.setdefault(_same_person(person), person)
    return tuple(found.values())


def _same_person(person: PersonRef) -> tuple[str | None, str]:
    return (person.user_id, "") if person.user_id else (None, person.name.casefold())


def _after_person(text: str) -> str:
    """The text after a person, without the comma or colon that only separated it."""
    return _SEPARATOR.sub("", text.strip(), count=1)


def take_person(text: str, env: ParseEnv, *, role: str = "who") -> tuple[PersonRef, str]:
    """Read one person at the start of `text`; return them and the rest."""
    person, rest = _take_one(text, env, role=role)
    return person, _after_person(rest)


def _take_one(text: str, env: ParseEnv, *, role: str) -> tuple[PersonRef, str]:
    """One person at the start of `text`, and the rest as typed (a comma after them kept)."""
    text = text.strip()
    if not text:
        raise UserError(f"I need to know {role}.", hint=PERSON_HINT)
    mention = _MENTION.match(text)
    if mention:
        named = env.mentions.get(mention.group(1))
        if named is None:
            raise UserError(f"I couldn't find {echo(mention.group(0))} here.", hint=PERSON_HINT)
        person = PersonRef(named.member.user_id, named.name or named.member.user_id)
        return check_person(person, env, role=role), text[mention.end() :]
    quoted = _QUOTED.match(text)
    if quoted:
        name = " ".join(quoted.group(1).split())
        return PersonRef(None, name), text[quoted.end() :]
    if _BROADCAST.match(text):
        raise UserError(
            "I can only note one person at a time, not a whole group.", hint=PERSON_HINT
        )
    first = text.split()[0]
    if first.startswith("@"):
        raise UserError(f"I couldn't find {echo(first)} here.", hint=PERSON_HINT)
    raise UserError(
        f"I need to know {role}: {echo(first)} isn't a mention or a quoted name.",
        hint=PERSON_HINT,
    )


def check_person(person: PersonRef | None, env: ParseEnv, *, role: str = "who") -> PersonRef:
    """A person given typed (or read from text): someone, and not the invoker."""
    if person is None or not (person.user_id or person.name.strip()):
        raise UserError(f"I need to know {role}.", hint=PERSON_HINT)
    if person.user_id == env.invoker.user_id:
        raise UserError("That's you! Name someone else.", hint=PERSON_HINT)
    if person.user_id is None:
        return PersonRef(None, check_length(" ".join(person.name.split())))
    return person


def take_number(text: str, *, what: str = "promise") -> tuple[int, str]:
    """Read a short number (as shown by `promises`) at the start of `text`."""
    head, _, rest = text.strip().partition(" ")
    digits = head.lstrip("#")
    number = int(digits) if digits.isdecimal() and len(digits) <= 6 else None
    return check_number(number, shown=head, what=what), rest.strip()


def check_number(number: int | None, *, shown: str, what: str = "promise") -> int:
    """A short number as `promises` shows them (1 to 999999), typed or read from a line;
    `shown` is what the member gave, quoted back when it is none."""
    if number is None or not 0 < number < 1_000_000:
        raise UserError(
            f"I need a {what} number, like 1 or 2, and got {echo(shown or 'nothing')}.",
            hint=(command("promises"), " lists your open promises with their numbers."),
        )
    return number


def require_text(text: str, *, what: str, example: str) -> str:
    text = text.strip()
    if not text:
        raise UserError(f"Tell me {what}.", hint=("For example: ", command(example)))
    return check_length(text)


def check_length(text: str) -> str:
    if len(text) > MAX_TEXT:
        raise UserError(
            f"That's {len(text):,} characters; I keep up to {MAX_TEXT:,}. Could you shorten it?"
        )
    return text


def input_refusal(text: str) -> UserError | None:
    """Why a whole command line is refused before anything is looked up for it: far too long,
    or naming too many people. Adapters ask before resolving mentions (Slack's users.info);
    the command service refuses with the same error."""
    if len(text) > MAX_TEXT + 200:
        return UserError(
            f"That's {len(text):,} characters; I keep up to {MAX_TEXT:,}. Could you shorten it?"
        )
    mentions = len(_MENTION.findall(text))
    if mentions > MAX_MENTIONS:
        return UserError(
            f"That names {mentions:,} people; one command takes up to {MAX_MENTIONS}. "
            "Could you split it?",
            hint="Nothing was saved.",
        )
    return None


def no_arguments(text: str, env: ParseEnv) -> None:
    """For commands that take nothing; stray words are ignored rather than refused."""
