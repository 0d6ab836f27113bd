"""`/buddy event` alone opens a form with the event's fields; a submission announces the event,
and a refused field is shown beside that field (`response_action: errors`), saving nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.adapters.slack_harness import SlackHarness, all_text, running_slack

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TYPED = {"type": "plain_text_input"}


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann")
        yield harness


def _values(**typed: str | None) -> dict[str, Any]:
    fields = ("title", "when", "duration", "place")
    values = {name: {"value": {**TYPED, "value": typed.get(name)}} for name in fields}
    values["limit"] = {"value": {"type": "number_input", "value": typed.get("limit")}}
    return values


async def _open_and_submit(
    slack: SlackHarness, values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`/buddy event` in #C1, then its form submitted: the form, and the submission's ack."""
    await slack.command("event")
    await slack.fake.wait_until(lambda: slack.fake.calls_to("views.open"))
    form = slack.fake.calls_to("views.open")[0].args
    status, ack = await slack.submit_view(form["view"], values)
    assert status == 200
    await slack.settle()
    return form, json.loads(ack)


async def _events_listed(slack: SlackHarness) -> str:
    return all_text((await slack.ask("events"))["blocks"])


@SQLITE_ONLY
async def test_event_alone_opens_a_form_whose_submission_announces_the_event(
    slack: SlackHarness,
) -> None:
    values = _values(
        title="Rust night <!here>", when="friday 6pm", duration="2 hours", place="Café", limit="20"
    )
    form, ack = await _open_and_submit(slack, values)
    await slack.fake.wait_until(lambda: slack.fake.calls_to("views.update"))

    blocks = form["view"]["blocks"]
    assert [b["block_id"] for b in blocks] == ["title", "when", "duration", "place", "limit"]
    assert [b["optional"] for b in blocks] == [False, False, True, True, True]
    assert form["view"]["private_metadata"] == "event C1"
    assert ack["response_action"] == "update"
    shown = all_text(slack.fake.calls_to("views.update")[0].args["view"]["blocks"])
    assert shown.startswith("📅 Announced in this channel as event 1:"), shown
    listed = await _events_listed(slack)
    assert "Rust night" in listed and "<!here>" not in listed


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("typed", "field", "says"),
    [
        ({"when": "someday"}, "when", "I couldn't read"),
        ({"when": "yesterday 6pm"}, "when", ""),
        ({"limit": "-3"}, "limit", "The limit is how many can go"),
        ({"limit": "100000"}, "limit", "The limit is how many can go"),
        ({"duration": "a fortnight"}, "duration", "how long it lasts"),
        ({"title": "R" * 2001}, "title", "That title is 2001 characters"),
    ],
)
async def test_a_refused_field_is_shown_on_that_field_and_nothing_is_saved(
    slack: SlackHarness, typed: dict[str, str], field: str, says: str
) -> None:
    values = _values(**{"title": "Rust night", "when": "friday 6pm", **typed})
    _, ack = await _open_and_submit(slack, values)

    assert ack["response_action"] == "errors"
    assert list(ack["errors"]) == [field]
    assert says in ack["errors"][field]
    assert slack.fake.calls_to("views.update") == []
    assert slack.fake.calls_to("chat.postMessage") == []
    assert (await _events_listed(slack)).startswith("No events coming up in this channel.")


async def _edit_form(slack: SlackHarness, values: dict[str, Any]) -> dict[str, Any]:
    """`/buddy event-edit` alone in #C1, then its form submitted: the submission's ack."""
    await slack.command("event-edit")
    await slack.fake.wait_until(lambda: slack.fake.calls_to("views.open"))
    form = slack.fake.calls_to("views.open")[-1].args["view"]
    assert form["title"]["text"] == "Change an event"
    assert [b["block_id"] for b in form["blocks"]] == [
        "number", "title", "when", "duration", "place", "limit",
    ]  # fmt: skip
    assert [b["optional"] for b in form["blocks"]] == [False, True, True, True, True, True]
    status, ack = await slack.submit_view(form, values)
    assert status == 200
    await slack.settle()
    return dict(json.loads(ack))


def _edit_values(**typed: str | None) -> dict[str, Any]:
    fields = ("number", "title", "when", "duration", "place", "limit")
    return {name: {"value": {**TYPED, "value": typed.get(name)}} for name in fields}


@SQLITE_ONLY
async def test_event_edit_alone_opens_a_form_whose_submission_changes_the_event(
    slack: SlackHarness,
) -> None:
    await slack.ask('event title "Rust night" when friday 6pm at Café')

    ack = await _edit_form(slack, _edit_values(number="1", place="The Old Pub", limit="30"))

    assert ack["response_action"] == "update"
    await slack.fake.wait_until(lambda: slack.fake.calls_to("views.update"))
    shown = all_text(slack.fake.calls_to("views.update")[-1].args["view"]["blocks"])
    assert "The Old Pub" in shown, shown
    listed = await _events_listed(slack)
    assert "The Old Pub" in listed and "Café" not in listed


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("typed", "field", "says"),
    [
        ({"number": "1", "when": "someday"}, "when", "I couldn't read"),
        ({"number": "1", "limit": "-3"}, "limit", "The limit is how many can go"),
        ({"number": "one", "place": "Pub"}, "number", ""),
    ],
)
async def test_a_refused_edit_is_shown_on_its_field_and_the_event_is_unchanged(
    slack: SlackHarness, typed: dict[str, str], field: str, says: str
) -> None:
    await slack.ask('event title "Rust night" when friday 6pm at Café')
    before = await _events_listed(slack)

    ack = await _edit_form(slack, _edit_values(**typed))

    assert ack["response_action"] == "errors"
    assert list(ack["errors"]) == [field]
    assert says in ack["errors"][field]
    assert await _events_listed(slack) == before


@SQLITE_ONLY
async def test_an_edit_of_no_such_event_says_so_in_the_form_and_changes_nothing(
    slack: SlackHarness,
) -> None:
    await slack.ask('event title "Rust night" when friday 6pm at Café')
    before = await _events_listed(slack)

    ack = await _edit_form(slack, _edit_values(number="9", place="Pub"))

    assert ack["response_action"] == "update"
    await slack.fake.wait_until(lambda: slack.fake.calls_to("views.update"))
    shown = all_text(slack.fake.calls_to("views.update")[-1].args["view"]["blocks"])
    assert "9" in shown and "Pub" not in shown, shown
    assert await _events_listed(slack) == before
