"""`help`: what the bot does and every command, with an example each."""

from __future__ import annotations

from collections.abc import Callable

from bot.commands.base import AnySpec, Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.names import by_name, find_command
from bot.commands.typed import text_arg
from bot.core.message import Message, Strong, bullets, command, message, paragraph, parts_of


def make_help(all_specs: Callable[[], tuple[AnySpec, ...]]) -> CommandSpec[AnySpec | None]:
    """Help reads the registry lazily, since it is itself one of the commands listed."""

    def parse(text: str, env: ParseEnv) -> AnySpec | None:
        return build({"command": text}, env)

    def build(args: Args, env: ParseEnv) -> AnySpec | None:
        name = text_arg(args, "command").lower().removeprefix("/buddy").strip()
        if not name:
            return None
        return find_command(by_name(all_specs()), name, unknown="There's no command called")

    def handle(ctx: Context, spec: AnySpec | None) -> Message:
        if spec is None:
            return message(
                paragraph(
                    Strong("Networking Buddy"),
                    " remembers who you met and what you promised them, nudges you to follow "
                    "up and to give before you ask, and introduces members — only when both say "
                    "yes. Everything you tell me is private to you.",
                ),
                bullets(
                    *(
                        paragraph(command(s.usage), f" — {s.summary} e.g. ", command(s.examples[0]))
                        for s in all_specs()
                    )
                ),
                paragraph(command("help <command>"), " explains one command."),
            )
        aliases = f" (also: {', '.join(spec.aliases)})" if spec.aliases else ""
        details = spec.details_at(ctx.now, ctx.profile.timezone)
        return message(
            paragraph(command(spec.usage), aliases),
            paragraph(spec.summary),
            paragraph(*parts_of(details)) if details else None,
            paragraph("Examples:"),
            bullets(*(paragraph(command(example)) for example in spec.examples)),
        )

    return CommandSpec(
        name="help",
        summary="What the bot does, and how to use each command.",
        usage="help [command]",
        examples=("help", "help promise"),
        args=(Arg("command", ArgKind.WORD, "A command to explain", required=False),),
        parse=parse,
        build=build,
        handle=handle,
        aliases=("?",),
    )
