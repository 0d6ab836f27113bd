"""Give before you ask: `give`, `ask`, `stats`."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.base import ActionSpec, Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.common import (
    count_use,
    find_or_add_contact,
    over_rate,
    person_inline,
)
from bot.commands.event_followups import organiser_event_stats
from bot.commands.give_ideas import give_ideas
from bot.commands.pairing import organiser_stats
from bot.commands.parsing import PersonRef, check_person, no_arguments, require_text, take_person
from bot.commands.payloads import record_id
from bot.commands.typed import person_arg, text_arg
from bot.commands.when import format_when
from bot.core.contacts import record_interaction
from bot.core.errors import UserError
from bot.core.identity import Channel
from bot.core.message import (
    Block,
    Choice,
    Mention,
    Message,
    UserText,
    bullets,
    command,
    message,
    paragraph,
)
from bot.core.records import LedgerEntry, LedgerKind

ACTION_POST_ANYWAY = "ask.post_anyway"
ASK_POSTED = "ask_posted"  # usage mark: an ask posted in a channel (scope: the channel id)


@dataclass(frozen=True)
class GiveRequest:
    person: PersonRef
    what: str


def parse_give(text: str, env: ParseEnv) -> GiveRequest:
    person, rest = take_person(text, env, role="who you gave to")
    return build_give({"person": person, "what": rest}, env)


def build_give(args: Args, env: ParseEnv) -> GiveRequest:
    person = check_person(person_arg(args, "person"), env, role="who you gave to")
    example = "give @sam a pointer to the asyncio docs"
    what = require_text(text_arg(args, "what"), what="what you gave", example=example)
    return GiveRequest(person, what)


def handle_give(ctx: Context, req: GiveRequest) -> Message:
    contact = find_or_add_contact(ctx, req.person)
    ctx.uow.ledger.add(
        owner=ctx.invoker, kind=LedgerKind.GIVE, what=req.what, contact_id=contact.id, now=ctx.now
    )
    record_interaction(ctx.uow, contact, now=ctx.now, followed_up=True)
    since = ctx.now - ctx.policy.give_window
    gives = ctx.uow.ledger.count(ctx.invoker, LedgerKind.GIVE, since=since)
    return message(
        paragraph("🙌 Logged: you gave ", person_inline(contact), " “", UserText(req.what), "”."),
        paragraph(f"Gives in the last {ctx.policy.give_window.days} days: {gives}."),
    )


GIVE = CommandSpec(
    name="give",
    summary="Log something you gave unasked: a link, a fix, an intro.",
    usage="give @person <what>",
    examples=("give @sam reported a broken link on their blog",),
    args=(
        Arg("person", ArgKind.PERSON, "Who you gave to"),
        Arg("what", ArgKind.TEXT, "What you gave"),
    ),
    parse=parse_give,
    build=build_give,
    handle=handle_give,
)


def parse_ask(text: str, env: ParseEnv) -> str:
    return build_ask({"what": text}, env)


def build_ask(args: Args, env: ParseEnv) -> str:
    what = text_arg(args, "what")
    return require_text(what, what="what you'd like help with", example="ask a review of my CV")


def _check_ask_limit(ctx: Context, channel: Channel) -> None:
    """At most a few asks per member per channel a day: the channel is everyone's."""
    over = over_rate(
        ctx, kind=ASK_POSTED, rate=ctx.policy.asks_per_channel, scope=channel.channel_id
    )
    if over is None:
        return
    posted, next_at = over
    when = format_when(next_at, timezone=ctx.profile.timezone, now=ctx.now)
    raise UserError(
        f"You've posted {posted} asks in this channel in the last day, the most I post "
        "for one member, so I haven't saved or posted this one.",
        hint=f"You can ask here again from {when}.",
    )


def _post_ask(ctx: Context, ask: LedgerEntry, channel: Channel) -> None:
    """The ask, posted where it was made, crediting what the member offers in return."""
    count_use(ctx, kind=ASK_POSTED, rate=ctx.policy.asks_per_channel, scope=channel.channel_id)
    offer = ctx.profile.offer.strip()
    credit = (" — they offer: “", UserText(offer), "”") if offer else ()
    ctx.outgoing.post(
        channel,
        message(
            paragraph(Mention(ctx.invoker), " asks: “", UserText(ask.what), "”", *credit),
            paragraph("Can you help? Reply in a thread — and log it with ", command("give"), "."),
        ),
        key=f"ask:{ask.id}",  # "Post anyway" pressed twice still posts once
    )


def handle_ask(ctx: Context, what: str) -> Message:
    if ctx.channel is not None:
        _check_ask_limit(ctx, ctx.channel)
    ask = ctx.uow.ledger.add(
        owner=ctx.invoker, kind=LedgerKind.ASK, what=what, contact_id=None, now=ctx.now
    )
    window = ctx.policy.give_window
    gives = ctx.uow.ledger.count(ctx.invoker, LedgerKind.GIVE, since=ctx.now - window)
    if gives:
        if ctx.channel is None:
            return message(
                paragraph("📣 Noted your ask: “", UserText(what), "”."),
                paragraph(
                    "To post it for the community, run the same ", command("ask"), " in a channel."
                ),
            )
        _post_ask(ctx, ask, ctx.channel)
        return message(paragraph("📣 Posted your ask in this channel: “", UserText(what), "”."))
    # Give before you ask: no give logged lately, so suggest some first.
    ideas = give_ideas(ctx.uow, ctx.profile, now=ctx.now, policy=ctx.policy)
    blocks: list[Block] = [
        paragraph("📣 Noted your ask: “", UserText(what), "”."),
        paragraph(
            f"You haven't logged a give in the last {window.days} days, and giving first makes "
            "asking easier. Some gives you could make now:"
        ),
        bullets(*ideas)
        if ideas
        else paragraph(
            "Report a broken link or a typo on a member's site, pass on an article that helped "
            "you, or offer a quick review. (Set your ",
            command("offer"),
            " and I'll suggest members to help.)",
        ),
        paragraph("Log one with ", command("give @person what you gave"), "."),
    ]
    if ctx.channel is None:
        blocks.append(paragraph("To post your ask, run it in a channel."))
        return message(*blocks)
    blocks.append(paragraph("Or post your ask now anyway."))
    # Only the ask's id: the text comes from the store, the channel from the platform's press.
    post = Choice("Post anyway", ACTION_POST_ANYWAY, str(ask.id))
    return message(*blocks, choices=(post,))


def press_post_anyway(ctx: Context, payload: str) -> Message:
    """Posts the invoker's own ask where the button was pressed: the reply holding it lives
    in the channel the ask was made in. A channel written in the payload (older buttons carried
    one) is never trusted, nor an ask of someone else."""
    entry_id = record_id(payload.partition(":")[0])
    ask = None if entry_id is None else ctx.uow.ledger.get(ctx.invoker, entry_id)
    if ask is None or ask.kind is not LedgerKind.ASK:
        raise UserError("I couldn't find that ask among yours.")
    if ctx.channel is None:
        raise UserError("To post your ask, run it in a channel.")
    _check_ask_limit(ctx, ctx.channel)
    _post_ask(ctx, ask, ctx.channel)
    return message(paragraph("📣 Posted your ask: “", UserText(ask.what), "”."))


ASK = CommandSpec(
    name="ask",
    summary="Ask the community for help (after a give-first check).",
    usage="ask <what>",
    examples=("ask an intro to someone who runs a makerspace",),
    args=(Arg("what", ArgKind.TEXT, "What you'd like help with"),),
    parse=parse_ask,
    build=build_ask,
    handle=handle_ask,
)


def handle_stats(ctx: Context, _: None) -> Message:
    ledger = ctx.uow.ledger
    window = ctx.policy.give_window
    since = ctx.now - window
    gives, asks = (ledger.count(ctx.invoker, kind) for kind in (LedgerKind.GIVE, LedgerKind.ASK))
    recent_gives = ledger.count(ctx.invoker, LedgerKind.GIVE, since=since)
    tally = ctx.uow.promises.tally(ctx.invoker)
    rate = f" ({tally.kept_on_time * 100 // tally.kept}% on time)" if tally.kept else ""
    return message(
        paragraph("Your balance:"),
        bullets(
            paragraph(f"Gives: {gives} ({recent_gives} in the last {window.days} days)"),
            paragraph(f"Asks: {asks}"),
            paragraph(f"Promises kept: {tally.kept}{rate}; open: {tally.open}"),
        ),
        paragraph(
            "Giving first makes asking easy. 🌱"
            if gives >= asks
            else "Maybe give one before the next ask? 🌱"
        ),
        *organiser_stats(ctx),
        *organiser_event_stats(ctx),
    )


STATS = CommandSpec(
    name="stats",
    summary="Your give/ask balance and promises kept on time.",
    usage="stats",
    examples=("stats",),
    parse=no_arguments,
    handle=handle_stats,
)

SPECS = (GIVE, ASK, STATS)
ACTIONS = (ActionSpec(ACTION_POST_ANYWAY, press_post_anyway),)
