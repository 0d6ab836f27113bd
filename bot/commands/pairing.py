"""Pairing rounds in a channel: `pairing on|off|now` for organisers; `join`, `leave`, `pause`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time

from bot.commands.base import ActionSpec, Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.common import member_contact
from bot.commands.jobs.pairing import (
    ACTION_MET,
    ACTION_NOT_YET,
    ACTION_SKIP_CHECKIN,
    ACTION_SKIP_ROUND,
    channel_ref,
    heads_up_at,
    meet_rate,
    start_round,
)
from bot.commands.parsing import no_arguments
from bot.commands.payloads import record_id
from bot.commands.replies import echo
from bot.commands.typed import text_arg, when_arg
from bot.commands.when import (
    check_timezone,
    format_when,
    parse_time_of_day,
    parse_weekday,
)
from bot.core.contacts import log_meeting
from bot.core.errors import UserError
from bot.core.identity import Channel, Member
from bot.core.message import (
    Block,
    ChannelRef,
    Code,
    Message,
    bullets,
    command,
    message,
    paragraph,
)
from bot.core.pairing import (
    DEFAULT_REPEAT_WINDOW,
    EVERY_WEEKS,
    MAX_GROUP,
    MIN_GROUP,
    answers_are_in,
)
from bot.core.records import (
    CheckIn,
    MembershipState,
    PairingChannel,
    PairingMembership,
    PairingRound,
)
from bot.core.schedule import next_weekly

DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_TIME = time(10, 0)
MAX_WINDOW = 52
STATS_ROUNDS = 4
_WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "a": 1}
PAIRING_HINT = (
    "For example: ",
    command("pairing on every 2 weeks groups of 3 on tuesday at 10:00 in Europe/Paris"),
    ", ",
    command("pairing off"),
    ", ",
    command("pairing now"),
    ".",
)


@dataclass(frozen=True)
class PairingRequest:
    action: str  # "on", "off", "now", or "" to show how things stand
    every_weeks: int | None = None
    group_size: int | None = None
    weekday: int | None = None
    at: time | None = None
    timezone: str | None = None
    window: int | None = None


def parse_pairing(text: str, env: ParseEnv) -> PairingRequest:
    """`on every 2 weeks groups of 3 on tuesday at 10:00 in Europe/Paris`, split into each
    setting's words (synonyms like `weekly` or `pairs` as the words they stand for)."""
    words = text.split()
    action = words.pop(0) if words else ""
    if action.lower() != "on" and words:  # refused by build, in its own words
        return build_pairing({"action": action, "every": " ".join(words)}, env)
    values = {"action": action}
    while words:
        name, value = _split_setting(words)
        values[name] = value
    return build_pairing(values, env)


def _take(words: list[str], what: str) -> str:
    if not words:
        raise UserError(f"Which {what}?", hint=PAIRING_HINT)
    return words.pop(0)


def _number(word: str, *, what: str) -> int:
    word = word.lower()
    if word.isdecimal() and len(word) <= 3:
        return int(word)
    if word in _NUMBERS:
        return _NUMBERS[word]
    raise UserError(f"I need a number for {what}, not {echo(word)}.", hint=PAIRING_HINT)


_SYNONYMS = {
    "weekly": ("every", "week"),
    "fortnightly": ("every", "fortnight"),
    "biweekly": ("every", "fortnight"),
    "monthly": ("every", "month"),
    "pairs": ("groups", "2"),
    "trios": ("groups", "3"),
}


def _split_setting(words: list[str]) -> tuple[str, str]:
    """The next setting in `words` (taken from it): its argument's name and words."""
    word = words.pop(0).lower()
    if word in _SYNONYMS:
        return _SYNONYMS[word]
    if word == "every":
        first = _take(words, "interval")
        weeks = words.pop(0) if words and words[0].lower() in {"week", "weeks"} else ""
        return "every", f"{first} {weeks}".strip()
    if word in {"groups", "group", "of"}:
        if words and words[0].lower() == "of":
            words.pop(0)
        return "groups", _take(words, "group size")
    if word == "on":
        return "day", _take(words, "day")
    if word == "at":
        return "time", _take(words, "time")
    if word in {"in", "tz", "timezone"}:
        return "timezone", _take(words, "time zone")
    if word == "window":  # text only: organisers tune it rarely, Discord offers no option
        return "window", _take(words, "window")
    try:
        parse_weekday(word)
    except UserError:
        raise UserError(f"I didn't understand {echo(word)}.", hint=PAIRING_HINT) from None
    return "day", word


def build_pairing(args: Args, env: ParseEnv) -> PairingRequest:
    action = text_arg(args, "action").lower()
    if action not in {"", "on", "off", "now"}:
        raise UserError(
            (command("pairing"), f" is on, off or now, not {echo(action)}."), hint=PAIRING_HINT
        )
    every, groups, day, at, zone, window = (
        text_arg(args, name) for name in ("every", "groups", "day", "time", "timezone", "window")
    )
    if action != "on" and any((every, groups, day, at, zone, window)):
        raise UserError((command(f"pairing {action}"), " takes nothing more."), hint=PAIRING_HINT)
    request = PairingRequest(action)
    if every:
        request = replace(request, every_weeks=_every(every))
    if groups:
        size = _number(_only(groups, "group size"), what="the group size")
        if not MIN_GROUP <= size <= MAX_GROUP:
            raise UserError(f"Groups can be of {MIN_GROUP} to {MAX_GROUP} people, not {size}.")
        request = replace(request, group_size=size)
    if day:
        request = replace(request, weekday=parse_weekday(day))
    if at:
        request = replace(request, at=parse_time_of_day(at))
    if zone:
        request = replace(request, timezone=check_timezone(zone))
    if window:
        rounds = _number(_only(window, "window"), what="the window")
        if not 1 <= rounds <= MAX_WINDOW:
            raise UserError(f"The window is 1 to {MAX_WINDOW} rounds, not {rounds}.")
        request = replace(request, window=rounds)
    return request


def _every(text: str) -> int:
    words = text.split()
    if words and words[0].lower() == "every":
        words.pop(0)
    weeks = _read_every(words)
    if words:
        raise UserError(f"I didn't understand {echo(' '.join(words))} after the interval.")
    return weeks


def _only(text: str, what: str) -> str:
    """The one word a setting takes."""
    first, _, rest = text.strip().partition(" ")
    if rest.strip():
        raise UserError(f"I didn't understand {echo(rest.strip())} after the {what}.")
    return first


def _read_every(words: list[str]) -> int:
    first = _take(words, "interval").lower()
    if first in {"week", "fortnight", "month"}:
        return {"week": 1, "fortnight": 2, "month": 4}[first]
    count = _number(first, what="the interval")
    if words and words[0].lower() in {"week", "weeks"}:
        words.pop(0)
    if count not in EVERY_WEEKS:
        raise UserError(
            f"Pairing rounds run every {', '.join(map(str, EVERY_WEEKS[:-1]))} or "
            f"{EVERY_WEEKS[-1]} weeks, not every {count}."
        )
    return count


def _channel(ctx: Context) -> Channel:
    assert ctx.channel is not None  # the specs need a channel
    return ctx.channel


def _require_organiser(ctx: Context) -> None:
    if not ctx.is_organiser:
        raise UserError(
            "Only this channel's organisers can turn pairing on or off, or start a round.",
            hint=("Members take part with ", command("join"), "."),
        )


def _active(ctx: Context) -> PairingChannel:
    pairing = ctx.uow.pairing.channel(_channel(ctx))
    if pairing is None or not pairing.active:
        raise UserError(
            ("Pairing isn't on in ", ChannelRef(_channel(ctx), ctx.channel_name), "."),
            hint=("An organiser starts it with ", command("pairing on"), "."),
        )
    return pairing


def _schedule_words(pairing: PairingChannel) -> str:
    every = "every week" if pairing.every_weeks == 1 else f"every {pairing.every_weeks} weeks"
    size = "in pairs" if pairing.group_size == 2 else f"in groups of {pairing.group_size}"
    return f"{every}, {size}, {_WEEKDAYS[pairing.weekday]} {pairing.at:%H:%M} ({pairing.timezone})"


def handle_pairing(ctx: Context, req: PairingRequest) -> Message:
    if req.action == "":
        return _status(ctx)
    _require_organiser(ctx)
    if req.action == "off":
        pairing = _active(ctx)
        ctx.uow.pairing.save_channel(
            replace(pairing, active=False, next_round_at=None, heads_up_at=None)
        )
        return message(
            paragraph("Pairing is off in ", channel_ref(pairing), "."),
            paragraph("Who joined is kept, for when an organiser turns it back on."),
        )
    if req.action == "now":
        pairing = _active(ctx)
        started = start_round(ctx.uow, ctx.outgoing, pairing, round_at=ctx.now, now=ctx.now)
        if not started.group_count:
            raise UserError(
                "Not enough members take part here yet for a group: a round needs two at least.",
                hint=("Members join with ", command("join"), " in this channel."),
            )
        return message(
            paragraph(
                f"🍽️ Round {started.number} started: {started.group_count} group"
                f"{'s' if started.group_count != 1 else ''}, each told privately."
            ),
            paragraph("The regular schedule carries on as before."),
        )
    return _turn_on(ctx, req)


def _turn_on(ctx: Context, req: PairingRequest) -> Message:
    channel = _channel(ctx)
    old = ctx.uow.pairing.channel(channel)
    every = req.every_weeks or (old.every_weeks if old else 1)
    weekday = req.weekday if req.weekday is not None else old.weekday if old else DEFAULT_WEEKDAY
    at = req.at or (old.at if old else DEFAULT_TIME)
    zone = req.timezone or (old.timezone if old else ctx.profile.timezone)
    unchanged = (
        old is not None
        and old.active
        and (old.every_weeks, old.weekday, old.at, old.timezone) == (every, weekday, at, zone)
    )
    if unchanged and old is not None and old.next_round_at is not None:
        next_at, heads_up = old.next_round_at, old.heads_up_at
    else:
        next_at = next_weekly(ctx.now, timezone=zone, weekday=weekday, at=at)
        heads_up = heads_up_at(next_at)
    pairing = ctx.uow.pairing.put_channel(
        channel,
        every_weeks=every,
        group_size=req.group_size or (old.group_size if old else MIN_GROUP),
        weekday=weekday,
        at=at,
        timezone=zone,
        repeat_window=req.window or (old.repeat_window if old else DEFAULT_REPEAT_WINDOW),
        organiser=ctx.invoker,
        next_round_at=next_at,
        heads_up_at=heads_up,
        channel_name=ctx.channel_name,
        now=ctx.now,
    )
    when = format_when(next_at, timezone=zone, now=ctx.now)
    return message(
        paragraph("🍽️ Pairing is on in ", channel_ref(pairing), f": {_schedule_words(pairing)}."),
        paragraph(
            f"Next round: {when}. Nobody meets anyone from their last "
            f"{pairing.repeat_window} rounds while that can be helped."
        ),
        paragraph(
            "Members take part with ",
            command("join"),
            " here; each gets a heads-up the day before. Round summaries come to you, with "
            "numbers only.",
        ),
    )


def _status(ctx: Context) -> Message:
    pairing = _active(ctx)
    membership = ctx.uow.pairing.membership(pairing.channel, ctx.invoker)
    you = (
        ("You take part.",)
        if membership is not None and membership.state is MembershipState.ACTIVE
        else ("You don't take part right now: ", command("join"), " to.")
    )
    assert pairing.next_round_at is not None
    when = format_when(pairing.next_round_at, timezone=ctx.profile.timezone, now=ctx.now)
    return message(
        paragraph("Pairing in ", channel_ref(pairing), f": {_schedule_words(pairing)}."),
        paragraph(f"Next round: {when}. ", *you),
    )


PAIRING = CommandSpec(
    name="pairing",
    summary="(Organisers) pairing rounds in this channel: on, off, or a round now.",
    usage="pairing on [every 1|2|4 weeks] [groups of 2–4] [on <day>] [at <time>] [in <zone>]",
    examples=(
        "pairing on every 2 weeks groups of 3 on tuesday at 10:00",
        "pairing now",
        "pairing off",
    ),
    args=(
        Arg("action", ArgKind.WORD, "on, off or now"),
        Arg("every", ArgKind.INTERVAL, "1, 2 or 4 weeks", required=False, keyword="every"),
        Arg("groups", ArgKind.WORD, "Group size, 2 to 4", required=False, keyword="groups of"),
        Arg("day", ArgKind.WORD, "Day of the week", required=False, keyword="on"),
        Arg("time", ArgKind.WORD, "Time of day, like 10:00", required=False, keyword="at"),
        Arg("timezone", ArgKind.TIMEZONE, "Time zone", required=False, keyword="in"),
    ),
    parse=parse_pairing,
    build=build_pairing,
    handle=handle_pairing,
    needs_channel=True,
    details=(
        "Defaults: every week, in pairs, Mondays 10:00 in your time zone. Nobody is grouped "
        "with anyone from their last 6 rounds while that can be helped (",
        Code("window 8"),
        " changes it); blocks are always respected; close time zones go together. ",
        command("pairing"),
        " alone shows the schedule.",
    ),
)


# --- join / leave / pause ---------------------------------------------------------------------


def _membership(ctx: Context) -> PairingMembership:
    found = ctx.uow.pairing.membership(_channel(ctx), ctx.invoker)
    if found is None or found.state is MembershipState.LEFT:
        raise UserError(
            (
                "You're not taking part in pairing in ",
                ChannelRef(_channel(ctx), ctx.channel_name),
                ".",
            ),
            hint=(command("join"), " to take part."),
        )
    return found


def _next_round_words(ctx: Context, pairing: PairingChannel) -> str:
    if pairing.next_round_at is None:
        return ""
    when = format_when(pairing.next_round_at, timezone=ctx.profile.timezone, now=ctx.now)
    return f" Next round: {when}."


def handle_join(ctx: Context, _: None) -> Message:
    pairing = _active(ctx)
    existing = ctx.uow.pairing.membership(pairing.channel, ctx.invoker)
    if existing is not None and existing.state is MembershipState.ACTIVE:
        return message(paragraph("You're already in." + _next_round_words(ctx, pairing)))
    ctx.uow.pairing.join(pairing.channel, ctx.invoker, now=ctx.now)
    return message(
        paragraph(
            "🙌 You're in pairing in ",
            channel_ref(pairing),
            "." + _next_round_words(ctx, pairing),
        ),
        paragraph(
            "You'll get a heads-up the day before each round, with a button to skip it. Tell me "
            "what you ",
            command("offer"),
            " and are ",
            command("looking-for"),
            ": your group sees it as an ice-breaker.",
        ),
    )


def handle_leave(ctx: Context, _: None) -> Message:
    membership = _membership(ctx)
    ctx.uow.pairing.save_membership(replace(membership, state=MembershipState.LEFT))
    return message(
        paragraph("You've left pairing in ", ChannelRef(membership.channel), "."),
        paragraph(command("join"), " here brings you back any time."),
    )


def parse_until(text: str, env: ParseEnv) -> datetime:
    return build_until({"until": text}, env)


def build_until(args: Args, env: ParseEnv) -> datetime:
    until = when_arg(args, "until", env)
    if until is None:
        raise UserError(
            "Tell me until when.", hint=("For example: ", command("pause until january 10"))
        )
    return until


def handle_pause(ctx: Context, until: datetime) -> Message:
    membership = _membership(ctx)
    ctx.uow.pairing.save_membership(
        replace(membership, state=MembershipState.PAUSED, paused_until=until)
    )
    when = format_when(until, timezone=ctx.profile.timezone, now=ctx.now)
    return message(
        paragraph("😴 Paused in ", ChannelRef(membership.channel), f" until {when}."),
        paragraph(
            "You're back in the first round after that; ", command("join"), " ends the pause early."
        ),
    )


JOIN = CommandSpec(
    name="join",
    summary="Take part in this channel's pairing rounds.",
    usage="join",
    examples=("join",),
    parse=no_arguments,
    handle=handle_join,
    needs_channel=True,
)
LEAVE = CommandSpec(
    name="leave",
    summary="Stop taking part in this channel's pairing rounds.",
    usage="leave",
    examples=("leave",),
    parse=no_arguments,
    handle=handle_leave,
    needs_channel=True,
)
PAUSE = CommandSpec(
    name="pause",
    summary="Sit out this channel's pairing rounds until a date.",
    usage="pause <until>",
    examples=("pause until january 10", "pause 2 weeks"),
    args=(Arg("until", ArgKind.WHEN, "Until when, e.g. in 2 weeks", keyword="until"),),
    parse=parse_until,
    build=build_until,
    handle=handle_pause,
    needs_channel=True,
)


# --- buttons ------------------------------------------------------------------------------------


def press_skip_round(ctx: Context, payload: str) -> Message:
    channel_id, _, stamp = payload.rpartition(":")
    if not channel_id or not stamp.isdecimal() or len(stamp) > 12:
        raise UserError("That button no longer does anything here.")
    channel = Channel(ctx.invoker.platform, ctx.invoker.workspace_id, channel_id)
    round_at = datetime.fromtimestamp(int(stamp), UTC)
    membership = ctx.uow.pairing.membership(channel, ctx.invoker)
    pairing = ctx.uow.pairing.channel(channel)
    if membership is None or membership.state is MembershipState.LEFT:
        raise UserError(("You're not taking part in pairing in ", ChannelRef(channel), "."))
    if pairing is None or pairing.next_round_at != round_at:
        return message(paragraph("That round has already begun (or was moved): nothing to skip."))
    ctx.uow.pairing.save_membership(replace(membership, skip_round_at=round_at))
    return message(
        paragraph("OK, you'll sit this round out in ", ChannelRef(channel), ". See you next time!")
    )


def _check_in(answer: CheckIn) -> ActionSpec:
    def press(ctx: Context, payload: str) -> Message:
        group_id = record_id(payload)
        group = None if group_id is None else ctx.uow.pairing.group(ctx.invoker.workspace, group_id)
        if group is None or ctx.invoker not in group.members:
            raise UserError("I couldn't find that pairing among yours.")
        first_yes = answer is CheckIn.YES and group.met_at is None
        ctx.uow.pairing.answer(
            group, ctx.invoker, answer, met_at=ctx.now if answer is CheckIn.YES else None
        )
        context = met_context(ctx.uow.pairing.channel(group.channel))
        if first_yes:
            _log_met(ctx, group.members, context=context)
        if answer is CheckIn.YES:
            return message(
                paragraph("🎉 Wonderful! It's in your ", command("people"), f" now, “{context}”."),
                paragraph(
                    "Promised them something? ", command("promise @person …"), " keeps track."
                ),
            )
        if answer is CheckIn.NOT_YET:
            return message(
                paragraph(
                    "No rush — there's still time. Maybe suggest a time in your group conversation?"
                )
            )
        return message(paragraph("OK, noted. See you next round!"))

    action = {CheckIn.YES: ACTION_MET, CheckIn.NOT_YET: ACTION_NOT_YET}.get(
        answer, ACTION_SKIP_CHECKIN
    )
    return ActionSpec(action, press)


def met_context(pairing: PairingChannel | None) -> str:
    """Where a pairing group met, as a contact's context: words any platform shows as they are,
    so the channel's name, never its id."""
    if pairing is None or not pairing.channel_name:
        return "paired in a pairing round"
    return f"paired in #{pairing.channel_name}"


def _log_met(ctx: Context, members: tuple[Member, ...], *, context: str) -> None:
    """A confirmed meeting: a `met` in each member's contacts, for each of the others."""
    profiles = {member: ctx.uow.profiles.get(member) for member in members}
    for owner in members:
        if profiles[owner] is None:  # asked to be forgotten: nothing is written for them
            continue
        for other in members:
            if other == owner:
                continue
            known = profiles[other]
            name = known.display_name if known else other.user_id
            contact = member_contact(ctx.uow, owner=owner, member=other, name=name, now=ctx.now)
            log_meeting(ctx.uow, contact, context=context, now=ctx.now, policy=ctx.policy)


# --- stats for organisers ---------------------------------------------------------------------


def organiser_stats(ctx: Context) -> tuple[Block, ...]:
    """For an organiser in a channel with pairing: the latest rounds' meet-rates, numbers only."""
    if not ctx.is_organiser or ctx.channel is None:
        return ()
    pairing = ctx.uow.pairing.channel(ctx.channel)
    if pairing is None:
        return ()
    rounds = ctx.uow.pairing.rounds(ctx.channel, limit=STATS_ROUNDS)
    if not rounds:
        return (
            paragraph("Pairing in ", ChannelRef(ctx.channel, ctx.channel_name), ": no rounds yet."),
        )
    latest, *earlier = rounds
    return (
        paragraph("Pairing meet-rates in ", ChannelRef(ctx.channel, ctx.channel_name), ":"),
        bullets(
            paragraph(f"Round {latest.number}: {_latest_meet_rate(ctx, latest)}"),
            *(paragraph(f"Round {r.number}: {meet_rate(ctx.uow, r)}") for r in earlier),
        ),
    )


def _latest_meet_rate(ctx: Context, latest: PairingRound) -> str:
    """Earlier rounds' check-ins ended when the next round began; the latest one's count only
    once every group has answered."""
    if answers_are_in(ctx.uow.pairing.groups(latest.id)):
        return meet_rate(ctx.uow, latest)
    return "awaiting answers"


SPECS = (PAIRING, JOIN, LEAVE, PAUSE)
ACTIONS = (
    ActionSpec(ACTION_SKIP_ROUND, press_skip_round),
    _check_in(CheckIn.YES),
    _check_in(CheckIn.NOT_YET),
    _check_in(CheckIn.SKIP),
)
