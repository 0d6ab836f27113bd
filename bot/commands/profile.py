"""Your profile and preferences: `offer`, `looking-for`, `settings`."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import time

from bot.commands.base import Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.parsing import check_length
from bot.commands.replies import EXPORT_HAS_ALL, echo
from bot.commands.typed import text_arg
from bot.commands.when import check_timezone, format_when, parse_time_of_day, parse_weekday
from bot.core.errors import UserError
from bot.core.limits import LIST_SHOWN
from bot.core.message import (
    ChannelRef,
    Code,
    Inline,
    Message,
    Paragraph,
    Text,
    UserText,
    bullets,
    command,
    message,
    paragraph,
    parts_of,
)
from bot.core.records import MembershipState, Profile


def _profile_field(
    *,
    name: str,
    label: str,
    example: str,
    read: Callable[[Profile], str],
    write: Callable[[Profile, str], Profile],
    who_sees: Callable[[Profile], Text],
) -> CommandSpec[str]:
    """`offer` and `looking-for` differ only in which profile line they set."""

    def handle(ctx: Context, text: str) -> Message:
        if not text:
            current = read(ctx.profile)
            if not current:
                return message(
                    paragraph(f"You haven't said {label} yet. Try ", command(example), ".")
                )
            return message(paragraph(f"{label.capitalize()}: “", UserText(current), "”."))
        ctx.profile = write(ctx.profile, "" if text == "-" else text)
        if text == "-":
            return message(paragraph(f"Cleared {label}."))
        return message(
            paragraph(f"Saved {label}: “", UserText(text), "”."),
            paragraph(*parts_of(who_sees(ctx.profile))),
        )

    return CommandSpec(
        name=name,
        summary=f"Your profile: {label} (“-” clears it).",
        usage=f"{name} <text>",
        examples=(example,),
        args=(Arg("text", ArgKind.TEXT, label.capitalize(), required=False),),
        parse=lambda text, env: check_length(text.strip()),
        build=lambda args, env: check_length(text_arg(args, "text")),
        handle=handle,
    )


# Who sees each line, truthfully: give ideas quote a looking-for (never an offer) to members
# whose offer matches it; pairing groups and intros show both lines to the people in them.
SEEN_IN_GROUPS = "your pairing groups and the members you're introduced to see it too."


def _who_sees_offer(profile: Profile) -> str:
    return (
        "Who sees it: your pairing groups and the members you're introduced to. I also use it "
        "to pick the give ideas I suggest to you."
    )


def _who_sees_looking_for(profile: Profile) -> Text:
    if not profile.profile_visible:
        return (
            "Your profile is hidden, so this stays out of everyone's give ideas; "
            + SEEN_IN_GROUPS
            + " ",
            command("settings profile visible"),
            " lets matching members see it.",
        )
    return (
        "Who sees it: members whose offer matches may see it in their give ideas, never anyone "
        "you blocked or who blocked you, nor while you're paused; " + SEEN_IN_GROUPS + " ",
        command("settings profile hidden"),
        " keeps it out of give ideas.",
    )


OFFER = _profile_field(
    name="offer",
    label="what you can help with",
    example="offer code reviews in Python, intros to Lisbon founders",
    read=lambda profile: profile.offer,
    write=lambda profile, text: replace(profile, offer=text),
    who_sees=_who_sees_offer,
)
LOOKING_FOR = _profile_field(
    name="looking-for",
    label="what you are looking for",
    example="looking-for a co-organiser for a Rust meetup",
    read=lambda profile: profile.looking_for,
    write=lambda profile, text: replace(profile, looking_for=text),
    who_sees=_who_sees_looking_for,
)


@dataclass(frozen=True)
class SettingsChange:
    """Each setting the member named; None where they left it alone."""

    timezone: str | None = None
    quiet: tuple[time, time] | None = None
    quiet_off: bool = False
    digest: tuple[int, time] | None = None
    digest_on: bool | None = None
    open_to_intros: bool | None = None
    profile_visible: bool | None = None

    @property
    def empty(self) -> bool:
        return self == SettingsChange()


SETTINGS_HINT = (
    "For example: ",
    command(
        "settings timezone Europe/Paris quiet 22:00-08:00 digest monday 9am intros on"
        " profile visible"
    ),
)


# Each setting's words, in order, named as a refusal asks for them when missing.
_SETTING_WORDS: dict[str, tuple[str, ...]] = {
    "timezone": ("time zone",),
    "quiet": ("quiet hours",),
    "digest": ("digest day", "digest time"),
    "intros": ("intros setting (on or off)",),
    "profile": ("profile setting (visible or hidden)",),
}
_SETTING_ALIASES = {"tz": "timezone"}
_DIGEST_SWITCH = {"off": False, "on": True}


def parse_settings(text: str, env: ParseEnv) -> SettingsChange:
    """`timezone Europe/Paris digest monday 9am …`: each setting's words, as if typed apart."""
    words = text.split()
    values: dict[str, str] = {}
    while words:
        key = words.pop(0).lower()
        name = _SETTING_ALIASES.get(key, key)
        if name not in _SETTING_WORDS:
            raise UserError(f"I don't have a setting called {echo(key)}.", hint=SETTINGS_HINT)
        if name == "digest" and words and words[0].lower() in _DIGEST_SWITCH:
            values[name] = words.pop(0)  # `digest off` / `digest on`: one word, no day or time
            continue
        values[name] = " ".join(_take(words, what) for what in _SETTING_WORDS[name])
    return build_settings(values, env)


def build_settings(args: Args, env: ParseEnv) -> SettingsChange:
    readers: dict[str, Callable[[list[str], SettingsChange], SettingsChange]] = {
        "timezone": _read_timezone,
        "quiet": _read_quiet,
        "digest": _read_digest,
        "intros": _read_intros,
        "profile": _read_profile,
    }
    change = SettingsChange()
    for name, wanted in _SETTING_WORDS.items():
        words = text_arg(args, name).split()
        if not words:
            continue
        if len(words) > len(wanted):
            extra = " ".join(words[len(wanted) :])
            raise UserError(
                (f"I didn't understand {echo(extra)} after ", Code(name), "."), hint=SETTINGS_HINT
            )
        change = readers[name](words, change)
    return change


def _take(words: list[str], what: str) -> str:
    if not words:
        raise UserError(f"Which {what}?", hint=SETTINGS_HINT)
    return words.pop(0)


def _read_timezone(words: list[str], change: SettingsChange) -> SettingsChange:
    return replace(change, timezone=check_timezone(_take(words, "time zone")))


def _read_quiet(words: list[str], change: SettingsChange) -> SettingsChange:
    span = _take(words, "quiet hours")
    if span.lower() == "off":
        return replace(change, quiet_off=True)
    start, sep, end = span.partition("-")
    if not sep:
        raise UserError(f"Quiet hours go from-to, like 22:00-08:00, not {echo(span)}.")
    return replace(change, quiet=(parse_time_of_day(start), parse_time_of_day(end)))


def _read_digest(words: list[str], change: SettingsChange) -> SettingsChange:
    """`off`, `on` (the day and time kept), or a day and time, which also turn it on."""
    switch = _DIGEST_SWITCH.get(words[0].lower())
    if switch is not None:
        if len(words) > 1:
            raise UserError(
                (f"I didn't understand {echo(' '.join(words[1:]))} after ", Code("digest"), "."),
                hint=SETTINGS_HINT,
            )
        return replace(change, digest_on=switch)
    day = parse_weekday(_take(words, "digest day"))
    at = parse_time_of_day(_take(words, "digest time"))
    return replace(change, digest=(day, at), digest_on=True)


def _read_intros(words: list[str], change: SettingsChange) -> SettingsChange:
    value = _take(words, "intros setting (on or off)").lower()
    if value not in {"on", "off"}:
        raise UserError((Code("intros"), f" is on or off, not {echo(value)}."))
    return replace(change, open_to_intros=value == "on")


def _read_profile(words: list[str], change: SettingsChange) -> SettingsChange:
    value = _take(words, "profile setting (visible or hidden)").lower()
    if value not in {"visible", "hidden"}:
        raise UserError((Code("profile"), f" is visible or hidden, not {echo(value)}."))
    return replace(change, profile_visible=value == "visible")


def apply_settings(profile: Profile, change: SettingsChange) -> Profile:
    if change.timezone is not None:
        profile = replace(profile, timezone=change.timezone, timezone_chosen=True)
    if change.quiet is not None:
        profile = replace(profile, quiet_start=change.quiet[0], quiet_end=change.quiet[1])
    if change.quiet_off:
        profile = replace(profile, quiet_start=None, quiet_end=None)
    if change.digest is not None:
        profile = replace(profile, digest_weekday=change.digest[0], digest_time=change.digest[1])
    if change.digest_on is not None:
        profile = replace(profile, digest_on=change.digest_on)
    if change.open_to_intros is not None:
        profile = replace(profile, open_to_intros=change.open_to_intros)
    if change.profile_visible is not None:
        profile = replace(profile, profile_visible=change.profile_visible)
    return profile


def handle_settings(ctx: Context, change: SettingsChange) -> Message:
    ctx.profile = apply_settings(ctx.profile, change)
    p = ctx.profile
    quiet = (
        f"{p.quiet_start:%H:%M}–{p.quiet_end:%H:%M}"
        if p.quiet_start is not None and p.quiet_end is not None
        else "off"
    )
    zone_note = "" if p.timezone_chosen else " (from your platform; set it to pin it)"
    pairing = _pairing_lines(ctx)
    more = len(pairing) - LIST_SHOWN
    return message(
        paragraph("Settings saved:" if not change.empty else "Your settings:"),
        bullets(
            paragraph(f"Time zone: {p.timezone}{zone_note}"),
            paragraph(f"Quiet hours: {quiet}"),
            paragraph(
                f"Weekly digest: {calendar.day_name[p.digest_weekday]} {p.digest_time:%H:%M}"
                if p.digest_on
                else "Weekly digest: off"
            ),
            paragraph(f"Open to intros: {'yes' if p.open_to_intros else 'no'}"),
            paragraph(
                "Looking-for in matching members' give ideas: "
                + ("visible" if p.profile_visible else "hidden")
            ),
            *pairing[:LIST_SHOWN],
        ),
        paragraph(f"…and pairing in {more} more channels: {EXPORT_HAS_ALL}") if more > 0 else None,
        paragraph(*SETTINGS_HINT) if change.empty else None,
    )


def _pairing_lines(ctx: Context) -> list[Paragraph]:
    """The channels whose pairing rounds the member takes part in, with the next round."""
    lines = []
    for membership in ctx.uow.pairing.memberships_of(ctx.invoker):
        if membership.state is MembershipState.LEFT:
            continue
        channel = ctx.uow.pairing.channel(membership.channel)
        if channel is None or not channel.active or channel.next_round_at is None:
            continue
        tz = ctx.profile.timezone
        when = format_when(channel.next_round_at, timezone=tz, now=ctx.now)
        paused: tuple[Inline, ...] = ()
        if membership.state is MembershipState.PAUSED:
            until = membership.paused_until
            paused = (
                (f" (paused until {format_when(until, timezone=tz, now=ctx.now)})",)
                if until is not None and until > ctx.now
                else (" (paused: ", command("join"), " there to come back)")
            )
        lines.append(
            paragraph(
                "Pairing in ", ChannelRef(membership.channel), f": next round {when}", *paused
            )
        )
    return lines


SETTINGS = CommandSpec(
    name="settings",
    summary="Your time zone, quiet hours, weekly digest, intros and profile visibility.",
    usage=(
        "settings [timezone <tz>] [quiet <from>-<to>] [digest <day> <time>|off] [intros on|off] "
        "[profile visible|hidden]"
    ),
    examples=(
        "settings timezone Europe/Paris quiet 22:00-08:00",
        "settings digest friday 4pm",
        "settings digest off",
    ),
    args=(
        Arg("timezone", ArgKind.TIMEZONE, "An IANA zone like Europe/Paris", False, "timezone"),
        Arg("quiet", ArgKind.WORD, "Quiet hours like 22:00-08:00, or off", False, "quiet"),
        Arg("digest", ArgKind.TEXT, "Digest day and time (monday 9am), or off", False, "digest"),
        Arg("intros", ArgKind.WORD, "on or off", False, "intros"),
        Arg("profile", ArgKind.WORD, "visible or hidden (in give ideas)", False, "profile"),
    ),
    parse=parse_settings,
    build=build_settings,
    handle=handle_settings,
)

SPECS = (OFFER, LOOKING_FOR, SETTINGS)
