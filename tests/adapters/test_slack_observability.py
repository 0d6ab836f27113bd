"""What an operator sees of the Slack web process: /metrics counters and one log line per
command and per delivery, with no private text in them."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterator

import pytest

from bot.core.effects import DirectMessage
from bot.core.identity import Member, Platform
from bot.core.message import text_message
from bot.observability import JsonFormatter
from tests.adapters.slack_harness import SlackHarness, running_slack

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

SECRET = "the confidential slides"


@pytest.fixture
async def slack(database_url: str) -> AsyncIterator[SlackHarness]:
    async with running_slack(database_url) as harness:
        harness.fake.add_user("T1", "U1", name="Ann Example")
        harness.fake.add_user("T1", "U2", name="Sam Example")
        yield harness


async def metrics(slack: SlackHarness) -> dict[str, float]:
    async with slack.http.get(slack.url + "/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        page = await response.text()
    return {
        name: float(value)
        for name, value in re.findall(r"^(buddy_\w+(?:\{[^}]*\})?) (\S+)$", page, re.MULTILINE)
    }


async def test_commands_and_deliveries_move_the_counters_on_the_metrics_page(
    slack: SlackHarness,
) -> None:
    await slack.ask(f"promise <@U2|sam> {SECRET} by friday")
    await slack.ask("frobnicate everything")
    with slack.buddy.uow_factory() as uow:
        now = slack.clock.now()
        to = Member(Platform.SLACK, "T1", "U1")
        uow.outbox.add(DirectMessage(to, text_message("hello")), key="k1", now=now, not_before=now)
        uow.commit()
    await slack.buddy.delivery({Platform.SLACK: slack.bot.messenger}).deliver_due()

    counters = await metrics(slack)

    assert counters['buddy_commands_total{outcome="ok",platform="slack"}'] == 1
    assert counters['buddy_commands_total{outcome="refused",platform="slack"}'] == 1
    assert counters['buddy_deliveries_total{outcome="sent",platform="slack"}'] == 1
    assert counters['buddy_command_seconds_count{platform="slack"}'] == 2
    assert "buddy_tick_seconds_count" in counters


async def test_the_health_check_answers_ok(slack: SlackHarness) -> None:
    async with slack.http.get(slack.url + "/healthz") as response:
        assert (response.status, await response.text()) == (200, "ok")


async def test_each_command_logs_one_json_line_with_its_name_and_outcome_but_no_private_text(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await slack.ask(f"promise <@U2|sam> {SECRET} by friday")
    await slack.ask(f"frobnicate {SECRET}")

    lines = [
        json.loads(JsonFormatter().format(record))
        for record in caplog.records
        if record.name == "bot.commands.service"
    ]

    assert [(line["command"], line["outcome"]) for line in lines] == [
        ("promise", "ok"),
        ("unknown", "refused"),
    ]
    for line in lines:
        assert line["platform"] == "slack"
        assert line["workspace"] == "T1"
        assert line["latency_ms"] >= 0
    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    for private in ("confidential", "frobnicate", "Ann Example", "Sam Example", "xoxb-"):
        assert private not in logged


async def test_each_delivery_logs_its_workspace_kind_latency_and_outcome(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.delivery")
    with slack.buddy.uow_factory() as uow:
        now = slack.clock.now()
        to = Member(Platform.SLACK, "T1", "U1")
        uow.outbox.add(DirectMessage(to, text_message(SECRET)), key="k1", now=now, not_before=now)
        uow.commit()

    await slack.delivery.deliver_due()

    [line] = [
        json.loads(JsonFormatter().format(record))
        for record in caplog.records
        if record.name == "bot.delivery"
    ]
    assert line["message"] == "delivery sent"
    assert (line["workspace"], line["kind"], line["outcome"]) == ("T1", "DirectMessage", "sent")
    assert line["latency_ms"] >= 0
    assert "confidential" not in json.dumps(line)
