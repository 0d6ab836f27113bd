"""Slack markup both ways: core messages as Block Kit, `/buddy` text as the core reads it."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import count
from typing import Any

from bot.commands.base import Args, Mentioned
from bot.core.chunks import pack_lines
from bot.core.identity import Member, Platform
from bot.core.message import (
    Block,
    ChannelRef,
    Choice,
    ChoiceStyle,
    Code,
    CommandRef,
    Inline,
    Mention,
    Message,
    Paragraph,
    Select,
    Strong,
    UserText,
    one_line,
)

SLASH_COMMAND = "/buddy"
SECTION_LIMIT = 3000  # characters in a section's text
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
BUTTONS_PER_ROW = 5
LABEL_LIMIT = 75
FALLBACK_LIMIT = 3000
FILE_COMMENT_LIMIT = 3000

SELECT_OPTIONS = 100  # Slack's limit for a static select's options
SELECT_BLOCK = "select:"  # a select's block_id: this, then the select's payload
OTHER_BLOCK = "other:"  # a select's free-text field's block_id: this, then the payload
OTHER_LENGTH = 2000  # the free-text field's characters
# Every button's action_id is "<core action>:<n>", n unique within its message or view.
ACTION_ID = re.compile(r"^(?P<action>[a-z][a-z0-9_.\-]*):\d+$")

Blocks = list[dict[str, Any]]


# --- outbound: core messages as Slack mrkdwn and Block Kit -----------------------------------


def escape(text: str) -> str:
    """Slack's three control characters as entities: no `<!channel>`, link or mention survives."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_BROADCAST_WORD = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_TYPED_USER_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]{2,})&gt;")
# mrkdwn has no escape for its markers: they become look-alikes that Slack doesn't read as
# markup. An underscore inside a word (snake_case) is never markup, so it stays.
_MARKERS = str.maketrans({"*": "\u2217", "~": "\u223c", "`": "\u02cb"})
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def user_text(text: str) -> str:
    """Text a member typed, shown literally: on one line; escaped; no *bold*, _italic_,
    ~strike~ or `code`; no quote (`>` opening a line); a broadcast word split by a zero-width
    space for clients that link bare `@here`; a member mention they typed (`<@U…>`) stays."""
    safe = _BROADCAST_WORD.sub("@\u200b", escape(one_line(text))).translate(_MARKERS)
    safe = _EDGE_UNDERSCORE.sub("\u02cd", safe)
    if safe.lstrip().startswith("&gt;"):
        safe = "\u200b" + safe  # a quote needs `>` first on its line
    return _TYPED_USER_MENTION.sub(r"<@\1>", safe)


def inline(part: Inline) -> str:
    match part:
        case str():
            return escape(part)  # bot text: its `code` and *bold* are meant
        case UserText(text):
            return user_text(text)
        case Strong(text):
            return f"*{escape(text)}*" if text.strip() else escape(text)
        case Mention(member):
            return f"<@{member.user_id}>"
        case ChannelRef(channel):
            return f"<#{channel.channel_id}>"  # Slack shows the channel's current name
        case CommandRef():
            return f"`{escape(f'{SLASH_COMMAND} {part.line}')}`"
        case Code(text):
            return f"`{escape(text)}`"


def paragraph_mrkdwn(block: Paragraph) -> str:
    return "".join(inline(part) for part in block.parts)


def block_mrkdwn(block: Block) -> str:
    if isinstance(block, Paragraph):
        return paragraph_mrkdwn(block)
    return "\n".join(f"• {paragraph_mrkdwn(item)}" for item in block.items)


def fallback_text(message: Message, *, limit: int = FALLBACK_LIMIT) -> str:
    """The `text` of a message: notifications and old clients show it, so it is escaped too."""
    text = "\n".join(block_mrkdwn(block) for block in message.blocks) or "…"
    return _cut(text, limit)


def _cut_at(text: str, limit: int) -> int:
    """Where to cut `text` to leave room for "…" within `limit`: never inside an entity or a
    mention, which would show half-parsed markup."""
    end = limit - 1
    for opener, closer in (("&", ";"), ("<", ">")):
        start = text.rfind(opener, 0, end)
        if start > 0 and text.find(closer, start, end) == -1:
            end = start
    return end


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: _cut_at(text, limit)] + "…"


def _sections(text: str) -> Blocks:
    """A long text as several sections, split between lines where possible."""
    chunks = pack_lines(text.split("\n"), limit=SECTION_LIMIT, cut_at=_cut_at)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": chunk}} for chunk in chunks]


def _button(choice: Choice, number: int) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": choice.label[:LABEL_LIMIT], "emoji": True},
        "action_id": f"{choice.action}:{number}",
    }
    if choice.payload:
        button["value"] = choice.payload
    if choice.style is not ChoiceStyle.DEFAULT:
        button["style"] = choice.style.value
    return button


def _actions(choices: Sequence[Choice], numbers: Iterator[int]) -> Blocks:
    buttons = [_button(choice, next(numbers)) for choice in choices]
    return [
        {"type": "actions", "elements": buttons[i : i + BUTTONS_PER_ROW]}
        for i in range(0, len(buttons), BUTTONS_PER_ROW)
    ]


def _select(select: Select, number: int) -> Blocks:
    """A multi-select in its own actions block; the block's id carries the payload (a select
    element has no value of its own)."""
    options = [
        {
            "text": {"type": "plain_text", "text": _option_label(o.label), "emoji": True},
            "value": o.value,
        }
        for o in select.options[:SELECT_OPTIONS]
    ]
    element = {
        "type": "multi_static_select",
        "action_id": f"{select.action}:{number}",
        "placeholder": {"type": "plain_text", "text": select.placeholder[:LABEL_LIMIT]},
        "options": options,
        "max_selected_items": min(select.max_picks, len(options)),
    }
    return [{"type": "actions", "block_id": SELECT_BLOCK + select.payload, "elements": [element]}]


def _other(select: Select, number: int) -> Blocks:
    """A select's free-text field: an input block in the message that sends what was typed
    when the member presses Enter (Slack allows these in messages with `dispatch_action`)."""
    element = {
        "type": "plain_text_input",
        "action_id": f"{select.action}:{number}",
        "placeholder": {"type": "plain_text", "text": "Ana Lima, Jo Silva"},
        "max_length": OTHER_LENGTH,
        "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
    }
    return [
        {
            "type": "input",
            "block_id": OTHER_BLOCK + select.payload,
            "dispatch_action": True,
            "label": {"type": "plain_text", "text": select.other[:LABEL_LIMIT]},
            "element": element,
        }
    ]


def _option_label(label: str | UserText) -> str:
    # plain_text: Slack shows it as typed, so no escaping (and no mention can form).
    text = label if isinstance(label, str) else one_line(label.text)
    return text[:LABEL_LIMIT] or "…"


def message_blocks(
    message: Message,
    *,
    numbers: Iterator[int] | None = None,
    limit: int = MESSAGE_BLOCK_LIMIT,
    with_attachment: bool = True,
) -> Blocks:
    """Sections for the text, an attachment as a code block, then rows of buttons."""
    numbers = numbers if numbers is not None else count(1)
    text: Blocks = []
    for block in message.blocks:
        text += _sections(block_mrkdwn(block))
    if with_attachment and message.attachment is not None:
        name, content = message.attachment.filename, message.attachment.content
        text += _sections(f"*{escape(name)}*")
        text += _sections(f"```{_cut(escape(content), SECTION_LIMIT - 6)}```")
    picks: Blocks = []
    if message.select is not None and message.select.options:
        picks += _select(message.select, next(numbers))
    if message.select is not None and message.select.other:
        picks += _other(message.select, next(numbers))
    actions = picks + _actions(message.choices, numbers)
    room = limit - len(actions)
    if len(text) > room:
        text = [*text[: room - 1], *_sections("_…and more than fits here._")]
    return text + actions


@dataclass(frozen=True)
class SlackMessage:
    """What chat.postMessage, respond() and the like take: `text` plus `blocks`."""

    text: str
    blocks: Blocks = field(default_factory=list)

    def as_kwargs(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


def render(message: Message) -> SlackMessage:
    return SlackMessage(fallback_text(message), message_blocks(message))


def home_view(sections: Sequence[Message], *, notice: Message | None = None) -> dict[str, Any]:
    """The App Home tab: an optional notice (the last button's reply), then each section."""
    numbers = count(1)
    blocks: Blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Networking Buddy"}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Only you see this page. `/buddy help` lists everything I can do.",
                }
            ],
        },
    ]
    if notice is not None:
        blocks += message_blocks(notice, numbers=numbers)
    for section in sections:
        room = VIEW_BLOCK_LIMIT - len(blocks) - 1
        if room < 2:
            break
        blocks.append({"type": "divider"})
        blocks += message_blocks(section, numbers=numbers, limit=room, with_attachment=False)
    return {"type": "home", "blocks": blocks}


def _plain(text: str, limit: int = 24) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit]}


def result_modal(message: Message) -> dict[str, Any]:
    """A modal that shows the reply to a submitted form."""
    blocks = message_blocks(replace(message, choices=()), limit=VIEW_BLOCK_LIMIT)
    return {
        "type": "modal",
        "title": _plain("Networking Buddy"),
        "close": _plain("Close"),
        "blocks": blocks,
    }


# --- inbound: `/buddy` text (sent with should_escape) to the core's form -----------------------

_SLACK_MARKUP = re.compile(r"<([^<>]*)>")
_BROADCASTS = {"channel", "here", "everyone"}


@dataclass(frozen=True)
class CommandText:
    """A `/buddy` line with Slack's markup resolved."""

    text: str  # member mentions as `<@U…>`, everything else as the member saw it
    names: Mapping[str, str]  # names Slack sent along with mentions
    unnamed: tuple[str, ...]  # mentioned ids Slack sent without a name
    args: Args | None = None  # a submitted form's typed values (`text` is then the command)

    def mentions(self, workspace_id: str, names: Mapping[str, str]) -> dict[str, Mentioned]:
        """The members the line's `<@U…>` placeholders stand for, by id."""
        return {
            user_id: Mentioned(Member(Platform.SLACK, workspace_id, user_id), name)
            for user_id, name in names.items()
        }


def read_command_text(text: str) -> CommandText:
    """`<@U1|sam>` → `<@U1>`; `<!here>` → `@here` (plain words, which the core refuses as a
    person and escapes when shown); channels, links and user groups as their visible text."""
    names: dict[str, str] = {}
    unnamed: list[str] = []

    def replace(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            user_id = target[1:]
            if label:
                names[user_id] = label.lstrip("@")
            elif user_id not in unnamed:
                unnamed.append(user_id)
            return f"<@{user_id}>"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            if word in _BROADCASTS:
                return f"@{word}"
            if word == "subteam":
                return label or "@group"
            return label
        return label or target.removeprefix("mailto:")

    resolved = _SLACK_MARKUP.sub(replace, text)
    plain = resolved.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return CommandText(plain, names, tuple(u for u in unnamed if u not in names))


# Slack's stand-ins for conversations without a name a member would recognise.
_UNNAMED_CONVERSATIONS = ("directmessage", "privategroup", "mpdm-")


def command_channel_name(body: Mapping[str, Any]) -> str:
    """The channel's name as a slash command's payload gives it; "" for Slack's stand-ins."""
    name = str(body.get("channel_name", ""))
    return "" if name.startswith(_UNNAMED_CONVERSATIONS) else name
