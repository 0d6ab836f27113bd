"""Pairing rounds in a channel: `pairing on|off|now` for organisers; `join`, `leave`, `pause`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, time

from bot.commands.base import ActionSpec, Arg, ArgKind, CommandSpec, Context, ParseEnv
from bot.commands.common import member_contact
from bot.commands.jobs.pairing import (
    ACTION_MET,
    ACTION_NOT_YET,
    ACTION_SKIP_CHECKIN,
    ACTION_SKIP_ROUND,
    channel_name,
    heads_up_at,
    meet_rate,
    start_round,
)
from bot.commands.parsing import no_arguments, require_text
from bot.commands.replies import echo
from bot.commands.when import (
    check_timezone,
    format_when,
    parse_time_of_day,
    parse_weekday,
    parse_when,
)
from bot.core.contacts import log_meeting
from bot.core.errors import UserError
from bot.core.identity import Channel, Member
from bot.core.message import Block, Message, bullets, message, paragraph
from bot.core.pairing import DEFAULT_REPEAT_WINDOW, EVERY_WEEKS, MAX_GROUP, MIN_GROUP
from bot.core.records import CheckIn, MembershipState, PairingChannel, PairingMembership
from bot.core.schedule import next_weekly

DEFAULT_WEEKDAY = 0  # Monday
DEFAULT_TIME = time(10, 0)
MAX_WINDOW = 52
STATS_ROUNDS = 4
_WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "a": 1}
PAIRING_HINT = (
    "For example: `pairing on every 2 weeks groups of 3 on tuesday at 10:00 in Europe/Paris`, "
    "`pairing off`, `pairing now`."
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
    words = text.split()
    action = words.pop(0).lower() if words else ""
    if action not in {"", "on", "off", "now"}:
        raise UserError(f"`pairing` is on, off or now, not {echo(action)}.", hint=PAIRING_HINT)
    if action != "on" and words:
        raise UserError(f"`pairing {action}` takes nothing more.", hint=PAIRING_HINT)
    request = PairingRequest(action)
    while words:
        request = _read_setting(words, request)
    return request


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


def _read_setting(words: list[str], request: PairingRequest) -> PairingRequest:
    word = words.pop(0).lower()
    if word == "every":
        return replace(request, every_weeks=_read_every(words))
    if word in {"weekly", "fortnightly", "biweekly", "monthly"}:
        return replace(request, every_weeks={"weekly": 1, "monthly": 4}.get(word, 2))
    if word in {"groups", "group", "of"}:
        if words and words[0].lower() == "of":
            words.pop(0)
        size = _number(_take(words, "group size"), what="the group size")
        if not MIN_GROUP <= size <= MAX_GROUP:
            raise UserError(f"Groups can be of {MIN_GROUP} to {MAX_GROUP} people, not {size}.")
        return replace(request, group_size=size)
    if word in {"pairs", "trios"}:
        return replace(request, group_size=2 if word == "pairs" else 3)
    if word == "on":
        return replace(request, weekday=parse_weekday(_take(words, "day")))
    if word == "at":
        return replace(request, at=parse_time_of_day(_take(words, "time")))
    if word in {"in", "tz", "timezone"}:
        return replace(request, timezone=check_timezone(_take(words, "time zone")))
    if word == "window":
        window = _number(_take(words, "window"), what="the window")
        if not 1 <= window <= MAX_WINDOW:
            raise UserError(f"The window is 1 to {MAX_WINDOW} rounds, not {window}.")
        return replace(request, window=window)
    try:
        return replace(request, weekday=parse_weekday(word))
    except UserError:
        raise UserError(f"I didn't understand {echo(word)}.", hint=PAIRING_HINT) from None


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
            hint="Members take part with `join`.",
        )


def _active(ctx: Context) -> PairingChannel:
    pairing = ctx.uow.pairing.channel(_channel(ctx))
    if pairing is None or not pairing.active:
        raise UserError(
            f"Pairing isn't on in {channel_name(_channel(ctx))}.",
            hint="An organiser starts it with `pairing on`.",
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
            paragraph(f"Pairing is off in {channel_name(pairing.channel)}."),
            paragraph("Who joined is kept, for when an organiser turns it back on."),
        )
    if req.action == "now":
        pairing = _active(ctx)
        started = start_round(ctx.uow, ctx.outgoing, pairing, round_at=ctx.now, now=ctx.now)
        if not started.group_count:
            raise UserError(
                "Not enough members take part here yet for a group: a round needs two at least.",
                hint="Members join with `join` in this channel.",
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
        now=ctx.now,
    )
    when = format_when(next_at, timezone=zone, now=ctx.now)
    return message(
        paragraph(f"🍽️ Pairing is on in {channel_name(channel)}: {_schedule_words(pairing)}."),
        paragraph(
            f"Next round: {when}. Nobody meets anyone from their last "
            f"{pairing.repeat_window} rounds while that can be helped."
        ),
        paragraph(
            "Members take part with `join` here; each gets a heads-up the day before. Round "
            "summaries come to you, with numbers only."
        ),
    )


def _status(ctx: Context) -> Message:
    pairing = _active(ctx)
    membership = ctx.uow.pairing.membership(pairing.channel, ctx.invoker)
    you = (
        "You take part."
        if membership is not None and membership.state is MembershipState.ACTIVE
        else "You don't take part right now: `join` to."
    )
    assert pairing.next_round_at is not None
    when = format_when(pairing.next_round_at, timezone=ctx.profile.timezone, now=ctx.now)
    return message(
        paragraph(f"Pairing in {channel_name(pairing.channel)}: {_schedule_words(pairing)}."),
        paragraph(f"Next round: {when}. {you}"),
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
    handle=handle_pairing,
    needs_channel=True,
    details=(
        "Defaults: every week, in pairs, Mondays 10:00 in your time zone. Nobody is grouped "
        "with anyone from their last 6 rounds while that can be helped (`window 8` changes "
        "it); blocks are always respected; close time zones go together. `pairing` alone "
        "shows the schedule."
    ),
)


# --- join / leave / pause ---------------------------------------------------------------------


def _membership(ctx: Context) -> PairingMembership:
    found = ctx.uow.pairing.membership(_channel(ctx), ctx.invoker)
    if found is None or found.state is MembershipState.LEFT:
        raise UserError(
            f"You're not taking part in pairing in {channel_name(_channel(ctx))}.",
            hint="`join` to take part.",
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
            f"🙌 You're in pairing in {channel_name(pairing.channel)}."
            + _next_round_words(ctx, pairing)
        ),
        paragraph(
            "You'll get a heads-up the day before each round, with a button to skip it. Tell me "
            "what you `offer` and are `looking-for`: your group sees it as an ice-breaker."
        ),
    )


def handle_leave(ctx: Context, _: None) -> Message:
    membership = _membership(ctx)
    ctx.uow.pairing.save_membership(replace(membership, state=MembershipState.LEFT))
    return message(
        paragraph(f"You've left pairing in {channel_name(membership.channel)}."),
        paragraph("`join` here brings you back any time."),
    )


def parse_until(text: str, env: ParseEnv) -> datetime:
    typed = require_text(text, what="until when", example="pause until january 10")
    typed = typed.removeprefix("until ").strip()
    return parse_when(typed, now=env.now, timezone=env.timezone)


def handle_pause(ctx: Context, until: datetime) -> Message:
    membership = _membership(ctx)
    ctx.uow.pairing.save_membership(
        replace(membership, state=MembershipState.PAUSED, paused_until=until)
    )
    when = format_when(until, timezone=ctx.profile.timezone, now=ctx.now)
    return message(
        paragraph(f"😴 Paused in {channel_name(membership.channel)} until {when}."),
        paragraph("You're back in the first round after that; `join` ends the pause early."),
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
        raise UserError(f"You're not taking part in pairing in {channel_name(channel)}.")
    if pairing is None or pairing.next_round_at != round_at:
        return message(paragraph("That round has already begun (or was moved): nothing to skip."))
    ctx.uow.pairing.save_membership(replace(membership, skip_round_at=round_at))
    return message(
        paragraph(f"OK, you'll sit this round out in {channel_name(channel)}. See you next time!")
    )


def _check_in(answer: CheckIn) -> ActionSpec:
    def press(ctx: Context, payload: str) -> Message:
        known = payload.isdecimal() and len(payload) <= 18
        group = ctx.uow.pairing.group(ctx.invoker.workspace, int(payload)) if known else None
        if group is None or ctx.invoker not in group.members:
            raise UserError("I couldn't find that pairing among yours.")
        first_yes = answer is CheckIn.YES and group.met_at is None
        ctx.uow.pairing.answer(
            group, ctx.invoker, answer, met_at=ctx.now if answer is CheckIn.YES else None
        )
        if first_yes:
            _log_met(ctx, group.members, where=channel_name(group.channel))
        if answer is CheckIn.YES:
            return message(
                paragraph(
                    "🎉 Wonderful! It's in your `people` now, “paired in "
                    f"{channel_name(group.channel)}”."
                ),
                paragraph("Promised them something? `promise @person …` keeps track."),
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


def _log_met(ctx: Context, members: tuple[Member, ...], *, where: str) -> None:
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
            log_meeting(
                ctx.uow, contact, context=f"paired in {where}", now=ctx.now, policy=ctx.policy
            )


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
        return (paragraph(f"Pairing in {channel_name(ctx.channel)}: no rounds yet."),)
    return (
        paragraph(f"Pairing meet-rates in {channel_name(ctx.channel)}:"),
        bullets(*(paragraph(f"Round {r.number}: {meet_rate(ctx.uow, r)}") for r in rounds)),
    )


SPECS = (PAIRING, JOIN, LEAVE, PAUSE)
ACTIONS = (
    ActionSpec(ACTION_SKIP_ROUND, press_skip_round),
    _check_in(CheckIn.YES),
    _check_in(CheckIn.NOT_YET),
    _check_in(CheckIn.SKIP),
)
