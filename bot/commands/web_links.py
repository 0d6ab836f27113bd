"""`dashboard` and `me`: a private, expiring link to the organisers' dashboard or your own page."""

from __future__ import annotations

from datetime import timedelta

from bot.commands.base import Arg, ArgKind, CommandSpec, Context
from bot.commands.typed import text_arg
from bot.core.errors import UserError
from bot.core.message import Message, UserText, command, message, paragraph
from bot.core.web_links import MAX_LIFETIME, REVOKED, LinkIssuer, LinkKind, revocation_seat


def _revoke_word(name: str, text: str) -> bool:
    """True for `<name> revoke`, False for `<name>` alone."""
    word = text.strip().lower()
    if word in {"", "revoke"}:
        return word == "revoke"
    raise UserError(
        ("I didn't understand “", UserText(word[:30]), "”."),  # what was typed: never markup
        hint=(command(name), " sends you a link; ", command(f"{name} revoke"), " ends them."),
    )


def _issuer(ctx: Context) -> LinkIssuer:
    if ctx.links is None:
        raise UserError(
            "Web pages aren't switched on for this bot.",
            hint="Ask whoever runs it to set BUDDY_SECRET_KEY (see the README, Dashboard).",
        )
    return ctx.links


def _lifetime(span: timedelta) -> str:
    hours = round(span.total_seconds() / 3600)
    return "1 hour" if hours == 1 else f"{hours} hours"


def _revoke(ctx: Context, kind: LinkKind) -> None:
    ctx.uow.usage.mark(
        revocation_seat(kind, ctx.invoker), kind=REVOKED[kind], now=ctx.now, keep=MAX_LIFETIME
    )


def _send(ctx: Context, kind: LinkKind, *, what: str) -> Message:
    links = _issuer(ctx)
    url = links.issue(kind, ctx.invoker, now=ctx.now)
    ctx.outgoing.answer(
        ctx.invoker,
        message(
            paragraph(f"🔗 {what}: {url}"),
            paragraph(
                f"The link works for {_lifetime(links.lifetime)}. Keep it to yourself: "
                "whoever has it can open the page. ",
                command(f"{kind.value} revoke"),
                " ends every link sent so far.",
            ),
        ),
    )
    return message(paragraph(f"I've sent you a DM with a private link to {what.lower()}."))


def handle_dashboard(ctx: Context, revoke: bool) -> Message:
    if not ctx.is_organiser:
        raise UserError(
            "Only organisers can open the community dashboard.",
            hint=("Your own page is one command away: ", command("me"), "."),
        )
    if revoke:
        _revoke(ctx, LinkKind.DASHBOARD)
        return message(paragraph("Done: every dashboard link sent so far no longer opens."))
    return _send(ctx, LinkKind.DASHBOARD, what="The community dashboard")


def handle_me(ctx: Context, revoke: bool) -> Message:
    if revoke:
        _revoke(ctx, LinkKind.ME)
        return message(paragraph("Done: every link to your page sent so far no longer opens."))
    return _send(ctx, LinkKind.ME, what="Your own page")


_REVOKE_ARG = Arg("revoke", ArgKind.WORD, "revoke: end every link sent so far", required=False)

DASHBOARD = CommandSpec(
    name="dashboard",
    summary="Organisers: a private link to the community's dashboard (aggregates only).",
    usage="dashboard [revoke]",
    examples=("dashboard", "dashboard revoke"),
    args=(_REVOKE_ARG,),
    parse=lambda text, env: _revoke_word("dashboard", text),
    build=lambda args, env: _revoke_word("dashboard", text_arg(args, "revoke")),
    handle=handle_dashboard,
)

ME = CommandSpec(
    name="me",
    summary="A private link to your own page: your people, promises, gives and asks.",
    usage="me [revoke]",
    examples=("me", "me revoke"),
    args=(_REVOKE_ARG,),
    parse=lambda text, env: _revoke_word("me", text),
    build=lambda args, env: _revoke_word("me", text_arg(args, "revoke")),
    handle=handle_me,
)

SPECS = (DASHBOARD, ME)
