"""Slack modals made from a command's declared arguments, and their submissions as typed values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.adapters.slack.render import CommandText
from bot.commands.base import MAX_TEXT, AnySpec, Arg, ArgKind, Args, ArgValue, PersonRef
from bot.commands.when import MAX_WHEN_LENGTH

FORM = "buddy.form"  # every generated form's callback_id
# Typed alone, these open their form, under this title.
FORM_TITLES = {
    "promise": "New promise",
    "met": "New met",
    "event": "New event",
    "event-edit": "Change an event",
}
FORM_COMMANDS = frozenset(FORM_TITLES)
TITLE_LIMIT = 24
LABEL_LIMIT = 2000
NAME_LIMIT = 200
OPTION_LIMIT = 75  # a select option's text
_OUTSIDE = "__name"  # suffix of the block where a person outside the workspace is typed


def _plain(text: str, limit: int) -> dict[str, str]:
    return {"type": "plain_text", "text": text[:limit]}


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label, LABEL_LIMIT),
        "element": {**element, "action_id": "value"},
        "optional": optional,
    }


def _inputs(arg: Arg) -> list[dict[str, Any]]:
    """An argument's inputs: a person is a member picker plus a name for someone outside."""
    text = {"type": "plain_text_input"}
    match arg.kind:
        case ArgKind.PERSON:
            return [
                _input(arg.name, arg.description, {"type": "users_select"}, optional=True),
                _input(
                    arg.name + _OUTSIDE,
                    "…or someone outside the workspace (their name)",
                    {**text, "max_length": NAME_LIMIT},
                    optional=True,
                ),
            ]
        case ArgKind.TEXT:
            element = {**text, "multiline": True, "max_length": MAX_TEXT}
        case ArgKind.WHEN:
            element = {**text, "max_length": MAX_WHEN_LENGTH}
        case ArgKind.NUMBER:
            element = {"type": "number_input", "is_decimal_allowed": False, "min_value": "1"}
        case ArgKind.CHOICE:
            options = [{"text": _plain(c, OPTION_LIMIT), "value": c} for c in arg.choices]
            element = {"type": "static_select", "options": options}
        case _:
            element = {**text, "max_length": NAME_LIMIT}
    return [_input(arg.name, arg.description, element, optional=not arg.required)]


def command_form(spec: AnySpec, *, channel_id: str) -> dict[str, Any]:
    """The modal for `spec`, one input per declared argument; submitted, it runs the command."""
    return {
        "type": "modal",
        "callback_id": FORM,
        "private_metadata": f"{spec.name} {channel_id}",
        "title": _plain(FORM_TITLES.get(spec.name, spec.name), TITLE_LIMIT),
        "submit": _plain("Save", TITLE_LIMIT),
        "close": _plain("Cancel", TITLE_LIMIT),
        "blocks": [block for arg in spec.args for block in _inputs(arg)],
    }


def read_form(spec: AnySpec, values: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> CommandText:
    """A submitted form as the command's typed values; a picked member is named later
    (`with_names`), from users.info."""

    def value(block_id: str) -> str:
        element = values.get(block_id, {}).get("value", {})
        option = element.get("selected_option") or {}
        picked = element.get("selected_user") or element.get("value") or option.get("value") or ""
        return str(picked)

    args: dict[str, ArgValue] = {}
    picked: list[str] = []
    for arg in spec.args:
        typed = value(arg.name).strip()
        if arg.kind is ArgKind.PERSON:
            name = " ".join(value(arg.name + _OUTSIDE).split())
            if typed:  # a picked member wins over a typed name
                picked.append(typed)
                args[arg.name] = PersonRef(typed, "")
            elif name:
                args[arg.name] = PersonRef(None, name)
        elif arg.kind is ArgKind.NUMBER:
            if typed:  # anything but digits is kept as typed, for the command to refuse
                args[arg.name] = int(typed) if typed.isdecimal() else typed
        elif typed:
            args[arg.name] = typed
    return CommandText(spec.name, {}, tuple(picked), args=args)


def with_names(args: Args | None, names: Mapping[str, str]) -> Args | None:
    """Picked members with the names Slack gave for them."""
    if args is None:
        return None
    return {
        key: replace(value, name=names.get(value.user_id, value.user_id))
        if isinstance(value, PersonRef) and value.user_id
        else value
        for key, value in args.items()
    }
