"""Double opt-in introductions and confidential blocks: `intro`, `block`, `unblock`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.commands.base import ActionSpec, Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.common import member_contact
from bot.commands.ice_breakers import queue_ice_breakers
from bot.commands.meeting_invites import queue_meeting_invites, suggested_time_line
from bot.commands.parsing import PersonRef, check_person, require_text, take_person
from bot.commands.payloads import record_id
from bot.commands.replies import echo
from bot.commands.typed import person_arg, text_arg
from bot.core import intros
from bot.core.contacts import log_meeting
from bot.core.effects import INTRODUCTIONS
from bot.core.errors import UserError
from bot.core.identity import Member
from bot.core.intros import Outcome, Refusal
from bot.core.meeting_time import suggest_time
from bot.core.message import (
    Choice,
    ChoiceStyle,
    Inline,
    Mention,
    Message,
    Paragraph,
    UserText,
    bullets,
    command,
    message,
    paragraph,
)
from bot.core.records import Intro, Profile
from bot.core.tips import first_meeting_tip, member_number, stable_number

ACTION_ACCEPT = "intro.accept"
ACTION_DECLINE = "intro.decline"
NOT_HAPPENED = "didn't happen this time"


# --- intro ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntroRequest:
    a: PersonRef
    b: PersonRef
    reason: str


INTRO_EXAMPLE = "intro @sam @bob you both run Rust meetups"


def parse_intro(text: str, env: ParseEnv) -> IntroRequest:
    # The invoker naming themself is the intro rules' to refuse, in the intro's own words.
    anyone = replace(env, invoker=Member(env.invoker.platform, env.invoker.workspace_id, ""))
    a, rest = take_person(text, anyone, role="who to introduce")
    b, rest = take_person(rest, anyone, role="who to introduce them to")
    return build_intro({"a": a, "b": b, "why": rest}, env)


def build_intro(args: Args, env: ParseEnv) -> IntroRequest:
    anyone = replace(env, invoker=Member(env.invoker.platform, env.invoker.workspace_id, ""))
    a = check_person(person_arg(args, "a"), anyone, role="who to introduce")
    b = check_person(person_arg(args, "b"), anyone, role="who to introduce them to")
    reason = require_text(text_arg(args, "why"), what="why they should meet", example=INTRO_EXAMPLE)
    return IntroRequest(a, b, reason)


def _member(ctx: Context, person: PersonRef) -> Member | None:
    if person.user_id is None:
        return None
    return Member(ctx.invoker.platform, ctx.invoker.workspace_id, person.user_id)


def _refusal_error(refusal: Refusal, req: IntroRequest) -> UserError:
    match refusal:
        case Refusal.YOURSELF:
            return UserError(
                "You can't introduce yourself — but you can say hello to anyone directly.",
                hint=(command("intro"), " connects two other members who should meet."),
            )
        case Refusal.NOT_A_MEMBER:
            outside = req.a if req.a.user_id is None else req.b
            return UserError(
                f"I can only introduce members of this community, and {echo(outside.name)} "
                "isn't one I can reach.",
                hint=("Mention both people, like ", command(INTRO_EXAMPLE), "."),
            )
        case Refusal.SAME_PERSON:
            return UserError("That's the same person twice: introduce two different members.")
        case Refusal.TOO_MANY_WAITING:
            return UserError(
                f"You have {intros.MAX_WAITING} introductions waiting for answers already.",
                hint="Once some are settled (a week at most), you can make more.",
            )
        case Refusal.ASKED_LATELY:
            # Their own earlier intro of these two: they know of it, so this tells them nothing.
            return UserError(
                f"You asked to introduce these two in the last {intros.REPEAT_WINDOW.days} "
                "days: let's give that one time."
            )


def handle_intro(ctx: Context, req: IntroRequest) -> Message:
    uow, me = ctx.uow, ctx.invoker
    a, b = _member(ctx, req.a), _member(ctx, req.b)
    lately: Sequence[Intro] = ()
    if a is not None and b is not None and a != b and me not in (a, b):
        lately = uow.intros.between_since(a, b, since=ctx.now - intros.REPEAT_WINDOW)
    refusal = intros.refusal(
        introducer=me,
        a=a,
        b=b,
        waiting=uow.intros.waiting(me),
        asked_lately=intros.asked_lately(lately, by=me),
    )
    if refusal is not None:
        raise _refusal_error(refusal, req)
    assert a is not None and b is not None
    a_profile, b_profile = uow.profiles.get(a), uow.profiles.get(b)
    ask = intros.may_ask(
        a_profile=a_profile,
        b_profile=b_profile,
        # A block between the two, or against the introducer, is respected all the same.
        blocked=any(uow.blocks.between(x, y) for x, y in ((a, b), (a, me), (b, me))),
        introduced_lately=intros.introduced_lately(lately),
        now=ctx.now,
    )
    intro = uow.intros.add(
        introducer=me,
        a=a,
        b=b,
        reason=req.reason,
        channel=ctx.channel,
        now=ctx.now,
        expires_at=ctx.now + intros.ANSWER_WINDOW,
        withheld=not ask,
    )
    if ask:
        assert a_profile is not None and b_profile is not None
        for profile, other in ((a_profile, b_profile), (b_profile, a_profile)):
            ctx.outgoing.dm(
                profile,
                ask_message(intro, other=other),
                key=f"intro:{intro.id}:ask:{profile.member.user_id}",
            )
    # The same words whether both were asked or the intro is withheld: nothing here may tell
    # a block, a pause, intros off or someone else's earlier intro from an unanswered ask.
    return message(
        paragraph(
            "🤝 Thanks! I'll ask ",
            Mention(a),
            " and ",
            Mention(b),
            " privately, if they take introductions through me.",
        ),
        paragraph(
            "If both accept, I'll start a conversation for the three of you. If not, I'll tell "
            f"you within a week that it {NOT_HAPPENED} — never who or why."
        ),
    )


def ask_message(intro: Intro, *, other: Profile) -> Message:
    """The private question to one side: who, why, and what the other side offers or seeks."""
    return message(
        paragraph(
            "👋 ",
            Mention(intro.introducer),
            " would like to introduce you to ",
            Mention(other.member),
            ".",
        ),
        paragraph("Why, in their words: “", UserText(intro.reason, by=intro.introducer), "”"),
        *_context_lines(other),
        paragraph(
            "If you both accept, I'll start a conversation for the three of you. If not, nobody "
            "hears who said what: ",
            Mention(intro.introducer),
            f" only learns that it {NOT_HAPPENED}. You have a week to answer.",
        ),
        choices=(
            Choice("Accept", ACTION_ACCEPT, str(intro.id), ChoiceStyle.PRIMARY),
            Choice("Decline", ACTION_DECLINE, str(intro.id)),
        ),
    )


def _context_lines(profile: Profile) -> tuple[Paragraph, ...]:
    who = Mention(profile.member)
    lines = []
    if profile.offer:
        offer = UserText(profile.offer, by=profile.member)
        lines.append(paragraph(who, " can help with: “", offer, "”"))
    if profile.looking_for:
        seeks = UserText(profile.looking_for, by=profile.member)
        lines.append(paragraph(who, " is looking for: “", seeks, "”"))
    return tuple(lines)


INTRO = CommandSpec(
    name="intro",
    summary="Introduce two members to each other — only if both say yes.",
    usage="intro @a @b <why they should meet>",
    examples=(INTRO_EXAMPLE,),
    args=(
        Arg("a", ArgKind.PERSON, "The first member"),
        Arg("b", ArgKind.PERSON, "The second member"),
        Arg("why", ArgKind.TEXT, "Why they should meet"),
    ),
    parse=parse_intro,
    build=build_intro,
    handle=handle_intro,
    aliases=("introduce",),
    details=(
        "Each of them is asked privately, with your reason. Only if both accept do the three of "
        "you get a conversation (and the two of them a suggested time inside both their working "
        "hours, with a calendar file each); otherwise you hear within a week that it didn't "
        "happen, and nobody ever learns who said no."
    ),
)


# --- the answers --------------------------------------------------------------------------------


def _pressed_intro(ctx: Context, payload: str) -> Intro:
    intro_id = record_id(payload)
    intro = None if intro_id is None else ctx.uow.intros.get(ctx.invoker.workspace, intro_id)
    # A withheld intro was never put to its sides: to them it does not exist.
    if intro is None or intro.withheld or ctx.invoker not in (intro.a, intro.b):
        raise UserError("I couldn't find that introduction among yours.")
    return intro


def _press(accept: bool) -> ActionSpec:
    def press(ctx: Context, payload: str) -> Message:
        intro = _pressed_intro(ctx, payload)
        answered, outcome = intros.answer(intro, ctx.invoker, accept=accept, now=ctx.now)
        if answered != intro:
            ctx.uow.intros.save(answered)
        other = Mention(intros.other_side(intro, ctx.invoker))
        introducer = Mention(intro.introducer)
        match outcome:
            case Outcome.MADE:
                make_intro(ctx, answered)
                return message(
                    paragraph(
                        "🎉 You both accepted: I'm starting a conversation for the three "
                        "of you now."
                    ),
                    paragraph("You'll also find ", other, " in your ", command("people"), "."),
                )
            case Outcome.WAITING:
                return message(
                    paragraph(
                        "👍 Thanks! If ",
                        other,
                        " accepts too, I'll start a conversation for the three of you.",
                    )
                )
            case Outcome.DECLINED:
                return message(
                    paragraph(
                        "OK, no introduction. Nobody will be told you said no: ",
                        introducer,
                        f" only hears that it {NOT_HAPPENED}.",
                    ),
                    paragraph("Changed your mind? Accept still works until the week is out."),
                )
            case Outcome.WAS_MADE:
                return message(
                    paragraph(
                        "You both accepted already: the conversation for the three of you is open."
                    )
                )
            case Outcome.EXPIRED:
                return message(paragraph("This introduction has lapsed: answers are open a week."))

    return ActionSpec(ACTION_ACCEPT if accept else ACTION_DECLINE, press)


def make_intro(ctx: Context, intro: Intro) -> None:
    """Both said yes: the three of them in one conversation, and each side in the other's
    contacts, introduced by the introducer, so follow-ups and promises flow."""
    uow = ctx.uow
    sides = [uow.profiles.get(intro.a), uow.profiles.get(intro.b)]
    blocks: list[Paragraph] = []
    for profile in sides:
        if profile is not None:
            blocks += _context_lines(profile)
    present = [profile for profile in sides if profile is not None]
    both = present if len(present) == 2 else []
    slot = suggest_time([p.timezone for p in both], after=ctx.now) if both else None
    ctx.outgoing.group(
        (intro.introducer, intro.a, intro.b),
        message(
            paragraph(
                "🎉 ",
                Mention(intro.a),
                ", meet ",
                Mention(intro.b),
                " — introduced by ",
                Mention(intro.introducer),
                ".",
            ),
            paragraph("Why: “", UserText(intro.reason, by=intro.introducer), "”"),
            bullets(*blocks) if blocks else None,
            paragraph(
                "Say hello here! If you promise each other something, ",
                command("promise @person …"),
                " keeps track of it.",
            ),
            suggested_time_line(slot, both) if slot else None,
            paragraph("💡 ", *first_meeting_tip(_tip_seed(intro)).text),
        ),
        key=f"intro:{intro.id}:made",
        title=INTRODUCTIONS,
        near=intro.channel,
    )
    if slot is not None:  # each side's own file; the introducer is not in the meeting
        workspace = intro.introducer.workspace
        queue_meeting_invites(
            ctx.outgoing,
            both,
            slot=slot,
            key=f"intro:{intro.id}",
            uid=f"intro-{intro.id}.{workspace.workspace_id}.{workspace.platform.value}",
            filename="introduction.ics",
            now=ctx.now,
        )
    # Before the meeting below is logged: what each side knew of the other until now.
    queue_ice_breakers(
        uow,
        ctx.outgoing,
        [profile for profile in sides if profile is not None],
        about="your introduction",
        key=f"intro:{intro.id}",
        seed=_tip_seed(intro),
    )
    for (owner, other), profile in zip(
        ((intro.a, intro.b), (intro.b, intro.a)), reversed(sides), strict=True
    ):
        name = profile.display_name if profile else other.user_id
        contact = member_contact(uow, owner=owner, member=other, name=name, now=ctx.now)
        log_meeting(
            uow,
            contact,
            context=intro.reason,  # shown as "introduced by @them: …" (`meeting_context`)
            quotes=intro.introducer,
            now=ctx.now,
            policy=ctx.policy,
        )


# --- block / unblock ----------------------------------------------------------------------------


def parse_blocked(text: str, env: ParseEnv) -> PersonRef:
    person, _ = take_person(text, env, role="who")
    return build_blocked({"person": person}, env)


def build_blocked(args: Args, env: ParseEnv) -> PersonRef:
    person = check_person(person_arg(args, "person"), env, role="who")
    if person.user_id is None:
        raise UserError(
            "Blocks are for members of this community: mention them (@name).",
            hint="I never introduce or pair anyone with people outside it anyway.",
        )
    return person


def _named(person: PersonRef) -> Inline:
    # Their name as text, not a mention: nothing about a block should ever reach them.
    return UserText(person.name)


def handle_block(ctx: Context, person: PersonRef) -> Message:
    assert person.user_id is not None
    blocked = Member(ctx.invoker.platform, ctx.invoker.workspace_id, person.user_id)
    if not ctx.uow.blocks.add(ctx.invoker, person.user_id, now=ctx.now):
        return message(paragraph("You had already blocked ", _named(person), "."))
    # An intro between them still waiting on the blocker ends as a silent no.
    for intro in ctx.uow.intros.open_between(ctx.invoker, blocked):
        ctx.uow.intros.save(intros.withdraw(intro, ctx.invoker, now=ctx.now))
    return message(
        paragraph(
            "🔒 Done: I'll never introduce you to ",
            _named(person),
            " or put you in a pairing group together.",
        ),
        paragraph("They won't be told. ", command("unblock"), " undoes it."),
    )


def handle_unblock(ctx: Context, person: PersonRef) -> Message:
    assert person.user_id is not None
    if not ctx.uow.blocks.remove(ctx.invoker, person.user_id):
        return message(paragraph("You hadn't blocked ", _named(person), "."))
    return message(paragraph("Unblocked ", _named(person), ". They were never told either way."))


BLOCK = CommandSpec(
    name="block",
    summary="Never be introduced to or paired with someone (they are never told).",
    usage="block @person",
    examples=("block @sam",),
    args=(Arg("person", ArgKind.PERSON, "Who"),),
    parse=parse_blocked,
    build=build_blocked,
    handle=handle_block,
)
UNBLOCK = CommandSpec(
    name="unblock",
    summary="Undo a block.",
    usage="unblock @person",
    examples=("unblock @sam",),
    args=(Arg("person", ArgKind.PERSON, "Who"),),
    parse=parse_blocked,
    build=build_blocked,
    handle=handle_unblock,
)

SPECS = (INTRO, BLOCK, UNBLOCK)
ACTIONS = (_press(accept=True), _press(accept=False))


def _tip_seed(intro: Intro) -> int:
    """The same for a retry of this introduction; nothing from other workspaces in it."""
    return stable_number(member_number(intro.a), member_number(intro.b), intro.created_at)
