"""`tips [first meeting | follow up | give | ask]`: practical tips for connecting well."""

from __future__ import annotations

import difflib
from zoneinfo import ZoneInfo

from bot.commands.base import Arg, ArgKind, Args, CommandSpec, Context, ParseEnv
from bot.commands.replies import echo
from bot.commands.typed import text_arg
from bot.core.errors import UserError
from bot.core.message import Inline, Message, Strong, bullets, command, message, paragraph
from bot.core.tips import Topic, handful, tips_about

TOPICS = tuple(topic.value for topic in Topic)


def topic_named(typed: str) -> Topic | None:
    """The topic typed ("first meeting", "first-meeting", "Follow up"); None for none typed."""
    words = " ".join(typed.lower().replace("-", " ").replace("_", " ").split())
    if not words:
        return None
    for topic in Topic:
        if words in (topic.value, topic.value.replace(" ", "")):
            return topic
    guess: tuple[Inline, ...] = ()
    for nearest in difflib.get_close_matches(words, TOPICS, n=1, cutoff=0.5):
        guess = (" Did you mean ", command(f"tips {nearest}"), "?")
    raise UserError(
        (f"I have no tips about {echo(typed)}.", *guess),
        hint=("Topics: ", ", ".join(TOPICS), ". ", command("tips"), " alone gives a few of each."),
    )


def parse_tips(text: str, env: ParseEnv) -> Topic | None:
    return build_tips({"topic": text}, env)


def build_tips(args: Args, env: ParseEnv) -> Topic | None:
    return topic_named(text_arg(args, "topic"))


def handle_tips(ctx: Context, topic: Topic | None) -> Message:
    if topic is not None:
        tips = tips_about(topic)
        return message(
            paragraph("💡 ", Strong(f"Tips: {topic.value}"), f" ({len(tips)})"),
            bullets(*(paragraph(*tip.text) for tip in tips)),
        )
    today = ctx.now.astimezone(ZoneInfo(ctx.profile.timezone)).date()
    more: list[Inline] = []
    for index, name in enumerate(TOPICS):
        more += [", " if index else "", command(f"tips {name}")]
    return message(
        paragraph("💡 A few tips for connecting well (new ones each week):"),
        bullets(
            *(
                paragraph(Strong(tip.topic.value.capitalize()), ": ", *tip.text)
                for tip in handful(ctx.invoker, today)
            )
        ),
        paragraph("More on one topic: ", *more, "."),
    )


TIPS = CommandSpec(
    name="tips",
    summary="Practical tips for first meetings, following up, giving and asking.",
    usage="tips [first meeting | follow up | give | ask]",
    examples=("tips first meeting", "tips"),
    args=(Arg("topic", ArgKind.CHOICE, "Which tips", required=False, choices=TOPICS),),
    parse=parse_tips,
    build=build_tips,
    handle=handle_tips,
    aliases=("tip",),
    details="Alone, one tip on each topic, new ones each week; with a topic, all of its tips.",
)

SPECS = (TIPS,)
