"""Attacks on the Slack web process: unsigned or malformed requests, replays, and /metrics."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import make_url

from bot.config import ConfigError, Settings, load_settings
from tests.adapters.slack_harness import (
    SIGNING_SECRET,
    SlackHarness,
    clean_environment,
    running_slack,
    serving_in_socket_mode,
)

FORM = "application/x-www-form-urlencoded"
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


class Errors(logging.Handler):
    """Records at ERROR and above, and any record carrying a traceback."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


@pytest.fixture
def tracebacks() -> Iterator[Errors]:
    handler = Errors()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


def signed(body: str, stamp: str | None = None) -> tuple[str, str]:
    stamp = stamp or str(int(time.time()))
    signature = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
    assert signature is not None
    return stamp, signature


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("body", "content_type", "headers"),
    [
        pytest.param("{not json", "application/json", {}, id="unsigned-json"),
        pytest.param("payload=%7Bnot+json", FORM, {}, id="unsigned-payload"),
        pytest.param(
            "{}",
            "application/json",
            {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"},
            id="non-numeric-timestamp",
        ),
        pytest.param(
            "{}",
            "application/json",
            {"X-Slack-Request-Timestamp": "１２３", "X-Slack-Signature": "v0=00"},
            id="unicode-digit-timestamp",
        ),
        pytest.param(
            "{}",
            "application/json",
            {"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=ü"},
            id="stale-and-odd-signature",
        ),
    ],
)
async def test_an_unsigned_or_badly_signed_request_is_a_401_before_any_parsing(
    database_url: str, tracebacks: Errors, body: str, content_type: str, headers: dict[str, str]
) -> None:
    async with running_slack(database_url) as slack:
        stamp = headers.get("X-Slack-Request-Timestamp")
        signature = headers.get("X-Slack-Signature")
        sent = {"Content-Type": content_type}
        if stamp is not None:
            sent["X-Slack-Request-Timestamp"] = stamp
        if signature is not None:
            sent["X-Slack-Signature"] = signature
        async with slack.http.post(slack.url + "/slack/events", data=body, headers=sent) as r:
            status = r.status
        await slack.settle()

    assert status == 401
    assert tracebacks.records == []


def _press_payload(*, user: bool) -> str:
    payload: dict[str, object] = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "actions": [{"action_id": "ask.post_anyway:0", "value": "1", "type": "button"}],
        "response_url": "http://127.0.0.1:9/nowhere",
    }
    if user:
        payload["user"] = {"id": "U1"}
    return urlencode({"payload": json.dumps(payload)})


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param("{not json", "application/json", id="json"),
        pytest.param("[1, 2]", "application/json", id="json-list"),
        pytest.param("payload=%7Bnot+json", FORM, id="payload"),
        pytest.param(
            urlencode({"command": "/buddy", "text": "help", "team_id": "T1"}), FORM, id="no-user"
        ),
        pytest.param(_press_payload(user=False), FORM, id="press-without-user"),
        pytest.param(
            urlencode(
                {
                    "payload": json.dumps(
                        {
                            "type": "view_submission",
                            "user": {"id": "U1"},
                            "team": {"id": "T1"},
                            "view": {"id": "V1", "callback_id": "buddy.form"},
                        }
                    )
                }
            ),
            FORM,
            id="form-without-its-fields",
        ),
    ],
)
async def test_a_malformed_signed_request_is_a_400_not_a_traceback(
    database_url: str, tracebacks: Errors, body: str, content_type: str
) -> None:
    async with running_slack(database_url) as slack:
        status, _ = await slack.post(body, content_type=content_type)
        await slack.settle()

    assert status == 400
    assert tracebacks.records == []
    assert slack.fake.responses == []


async def _promises(slack: SlackHarness) -> str:
    return str((await slack.ask("promises"))["text"])


async def test_a_replayed_signed_command_runs_once(database_url: str) -> None:
    async with running_slack(database_url) as slack:
        slack.fake.add_user("T1", "U1", name="Ann")
        body = slack.command_body('promise "Sam Lee" the slides by friday', key="once")
        stamp, signature = signed(body)
        first = await slack.post(body, content_type=FORM, timestamp=int(stamp), signature=signature)
        await slack.reply("once")
        again = await slack.post(body, content_type=FORM, timestamp=int(stamp), signature=signature)
        await slack.settle()
        listed = await _promises(slack)

    assert first[0] == again[0] == 200
    assert again[1] == ""  # the replay: acknowledged like any other, nothing ran, nothing said
    # One answer in all: in the first one's acknowledgement, or through its response_url.
    assert bool(first[1]) + len(slack.fake.replies("once")) == 1
    assert listed.count("the slides") == 1


@SQLITE_ONLY
async def test_a_retry_of_a_command_still_running_runs_nothing_and_the_command_answers_once(
    database_url: str,
) -> None:
    async with running_slack(
        database_url, extra_settings={"buddy_ack_budget_seconds": 0.05}
    ) as slack:
        slack.fake.add_user("T1", "U1", name="Ann")
        body = slack.command_body('promise "Sam Lee" the slides by friday', key="slow")
        stamp, signature = signed(body)
        blocker = sqlite3.connect(str(make_url(database_url).database), isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # the command waits for the database, past its budget
        try:
            first = await slack.post(
                body, content_type=FORM, timestamp=int(stamp), signature=signature
            )
            # Slack gave up waiting and sends the same signed request again, as a retry.
            retry = await slack.post(
                body,
                content_type=FORM,
                timestamp=int(stamp),
                signature=signature,
                headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
            )
        finally:
            blocker.execute("COMMIT")
            blocker.close()
        reply = await slack.reply("slow")  # exactly one answer, through response_url
        listed = await _promises(slack)

    assert first == retry == (200, "")  # both acknowledged at once, empty
    assert reply["text"].startswith("✅ Promise #1: send Sam Lee “the slides”")
    assert listed.count("the slides") == 1


async def test_a_replayed_signed_button_press_runs_once(database_url: str) -> None:
    async with running_slack(database_url) as slack:
        slack.fake.add_user("T1", "U1", name="Ann")
        await slack.ask('promise "Sam Lee" the slides by friday')
        await slack.ask('promise "Kim Park" the notes by friday')
        payload = {
            "type": "block_actions",
            "user": {"id": "U1", "name": "u1", "team_id": "T1"},
            "team": {"id": "T1"},
            "channel": {"id": "C1"},
            "container": {"type": "message", "channel_id": "C1", "is_ephemeral": True},
            "response_url": slack.fake.response_url("press"),
            "actions": [{"type": "button", "action_id": "promise.done:0", "value": "1"}],
        }
        body = urlencode({"payload": json.dumps(payload)})
        stamp, signature = signed(body)
        for _ in range(2):
            status, _ = await slack.post(
                body, content_type=FORM, timestamp=int(stamp), signature=signature
            )
            assert status == 200
            await slack.settle()
        await slack.fake.wait_until(lambda: slack.fake.replies("press"))
        await slack.settle()

    assert len(slack.fake.replies("press")) == 1


@SQLITE_ONLY
async def test_metrics_need_the_bearer_token_when_one_is_set(database_url: str) -> None:
    token = "metrics-token-123"
    settings = {"buddy_metrics_token": token}
    async with running_slack(database_url, extra_settings=settings) as slack:
        statuses = []
        for headers in (
            {},
            {"Authorization": "Bearer wrong"},
            {"Authorization": f"Bearer {token}"},
        ):
            async with slack.http.get(slack.url + "/metrics", headers=headers) as response:
                statuses.append(response.status)
                page = await response.text()

    assert statuses == [401, 401, 200]
    assert "buddy_commands" in page


def test_the_bind_address_comes_from_buddy_host() -> None:
    with clean_environment():
        assert Settings().buddy_host == "0.0.0.0"
        assert Settings(buddy_host="127.0.0.1").buddy_host == "127.0.0.1"
        import os

        os.environ["BUDDY_HOST"] = "127.0.0.1; rm -rf /"
        with pytest.raises(ConfigError, match="BUDDY_HOST"):
            load_settings()


@SQLITE_ONLY
async def test_a_socket_mode_command_without_a_user_is_refused_without_a_traceback(
    database_url: str, tracebacks: Errors
) -> None:
    async with serving_in_socket_mode(database_url, tick=False) as fake:
        body = {"team_id": "T1", "command": "/buddy", "text": "help", "channel_id": "C1"}
        await fake.send_envelope("slash_commands", body)  # no user_id: refused
        well_formed = {**body, "user_id": "U1", "response_url": fake.response_url("ok")}
        envelope = await fake.send_envelope("slash_commands", well_formed)

        def answers() -> list[dict[str, Any]]:
            """The well-formed command's: in its acknowledgement, or through response_url."""
            in_ack = [
                ack["payload"]
                for ack in fake.socket_acks
                if ack["envelope_id"] == envelope and "payload" in ack
            ]
            return in_ack + fake.replies("ok")

        await fake.wait_until(answers)

    assert tracebacks.records == []
    [answer] = answers()
    assert "remembers who you met" in answer["text"]
    assert [response.key for response in fake.responses] in ([], ["ok"])
