"""An event's typed fields and the same words on a line make the same request, or the same
refusal; a refusal of a field names that field (where a form shows it)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.commands.base import ParseEnv
from bot.commands.event_parsing import parse_event
from bot.commands.events import EVENT, EVENT_CANCEL, EVENT_EDIT
from bot.core.errors import UserError
from tests.unit.harness import ALICE, NOW

ENV = ParseEnv(now=NOW, timezone="Europe/Lisbon", invoker=ALICE)

SAME: list[tuple[str, dict[str, Any]]] = [
    ('"Rust night" friday 6pm', {"title": "Rust night", "when": "friday 6pm"}),
    (
        '"Rust night" friday at 6pm for 2 hours at Café Lisboa limit 20',
        {
            "title": "Rust night",
            "when": "friday at 6pm",
            "duration": "2 hours",
            "place": "Café Lisboa",
            "limit": 20,
        },
    ),
    (
        '"@everyone at the for loop party" friday 6pm',
        {"title": "@everyone at the for loop party", "when": "friday 6pm"},
    ),
    (
        '"Rust night" friday 6pm for half an hour',
        {"title": "Rust night", "when": "friday 6pm", "duration": "for half an hour"},
    ),
]

REFUSED: list[tuple[str, dict[str, Any], str]] = [
    (
        '"Rust night" friday 6pm limit 0',
        {"title": "Rust night", "when": "friday 6pm", "limit": 0},
        "limit",
    ),
    (
        '"Rust night" friday 6pm limit -3',
        {"title": "Rust night", "when": "friday 6pm", "limit": -3},
        "limit",
    ),
    (
        '"Rust night" friday 6pm limit 100000',
        {"title": "Rust night", "when": "friday 6pm", "limit": 100000},
        "limit",
    ),
    (f'"{"R" * 2001}" friday 6pm', {"title": "R" * 2001, "when": "friday 6pm"}, "title"),
    ('"Rust night" someday', {"title": "Rust night", "when": "someday"}, "when"),
    ('"Rust night" yesterday 6pm', {"title": "Rust night", "when": "yesterday 6pm"}, "when"),
    (
        '"Rust night" friday 6pm for ever',
        {"title": "Rust night", "when": "friday 6pm", "duration": "ever"},
        "duration",
    ),
    (
        f'"Rust night" friday 6pm at {"x" * 301}',
        {"title": "Rust night", "when": "friday 6pm", "place": "x" * 301},
        "place",
    ),
]


@pytest.mark.parametrize(("line", "args"), SAME)
def test_typed_fields_make_the_request_the_line_makes(line: str, args: dict[str, Any]) -> None:
    assert EVENT.build is not None
    assert EVENT.build(args, ENV) == parse_event(line, ENV)


@pytest.mark.parametrize(("line", "args", "field"), REFUSED)
def test_typed_fields_are_refused_as_the_line_is_and_the_refusal_names_the_field(
    line: str, args: dict[str, Any], field: str
) -> None:
    assert EVENT.build is not None
    with pytest.raises(UserError) as typed:
        EVENT.build(args, ENV)
    with pytest.raises(UserError) as typed_line:
        parse_event(line, ENV)

    assert str(typed.value) == str(typed_line.value)
    assert typed.value.field == field


def test_an_edit_and_a_cancel_read_the_same_typed_or_on_a_line() -> None:
    assert EVENT_EDIT.build is not None and EVENT_CANCEL.build is not None
    edit = {"number": "#2", "when": "saturday 7pm", "limit": "none"}
    assert EVENT_EDIT.build(edit, ENV) == parse_event("edit 2 when saturday 7pm limit none", ENV)
    assert EVENT_EDIT.parse("2 at The Old Pub", ENV) == parse_event("edit 2 at The Old Pub", ENV)
    assert EVENT_CANCEL.build({"number": "3"}, ENV) == parse_event("cancel 3", ENV)
    with pytest.raises(UserError) as nothing:
        EVENT_EDIT.build({"number": "2"}, ENV)
    assert "Tell me what to change" in str(nothing.value)
    with pytest.raises(UserError) as not_a_number:
        EVENT_CANCEL.build({"number": "two"}, ENV)
    assert not_a_number.value.field == "number"
